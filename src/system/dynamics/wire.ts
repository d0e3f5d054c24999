/**
 * Dataverse's wire as the transport needs it: error classification (as a table over the
 * hex codes), the service-protection usage headers, and the client-credentials grant.
 */
import { SystemError, classifyStatus, type ErrorClass } from '../errors';
import type { ConnectionCredentials, TokenInfo } from '../system-api';
import type { VendorFailure, VendorWire } from '../transport/http-transport';
import type { HostPolicy } from '../transport/host-policy';
import { postTokenForm, scrubTokenMessage } from '../transport/token-request';
import { DATAVERSE_LIMITS } from './descriptor';
import { parseAadError, parseErrorBody, parseTokenAnswer } from './types';

/**
 * Dataverse error codes → our class. The code is unrelated to the HTTP status, so it wins
 * when known; otherwise the status decides.
 * https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes
 */
export const DATAVERSE_CODES: Readonly<Record<string, ErrorClass>> = {
  '0x80072322': 'RATE_LIMIT', // service protection: number of requests
  '0x80072321': 'RATE_LIMIT', // service protection: combined execution time
  '0x80072326': 'RATE_LIMIT', // service protection: concurrent requests
  '0x80040203': 'VALIDATION', // InvalidArgument
  '0x80040200': 'VALIDATION', // ApplicationRequired field missing (emulator uses this for lastname/name)
  '0x80060888': 'VALIDATION', // Resource not found for the segment / bad URL
  '0x8006088a': 'VALIDATION', // malformed request body (ODataReader)
  '0x80048d19': 'VALIDATION', // property does not exist on the type
  '0x80040265': 'VALIDATION', // plug-in/business rule rejected the operation
  '0x80044331': 'VALIDATION', // invalid attribute value type
  '0x80040217': 'NOT_FOUND', // ObjectDoesNotExist
  '0x80040237': 'CONFLICT', // DuplicateRecord (alternate key)
  '0x80060882': 'CONFLICT', // ConcurrencyVersionMismatch
  '0x80040220': 'PERMISSION', // PrivilegeDenied
  '0x8004d24b': 'PERMISSION', // no roles assigned
  '0x80044150': 'SERVER', // generic SQL error
  '0x80040216': 'SERVER', // unexpected server error
};

export function classifyDataverse(status: number, body: unknown): VendorFailure {
  const e = parseErrorBody(body);
  const aad = parseAadError(body);
  const code = e.code || aad?.error || `HTTP_${status}`;
  const message = e.message ?? aad?.description ?? `HTTP ${status}`;
  // Dataverse has no daily REST quota: every 429 is a sliding-window limit worth waiting out.
  if (status === 429) return { errorClass: 'RATE_LIMIT', code, message };
  let errorClass: ErrorClass;
  if (status === 401) errorClass = 'AUTHENTICATION';
  else if (aad) errorClass = 'AUTHENTICATION';
  else errorClass = DATAVERSE_CODES[e.code.toLowerCase()] ?? classifyStatus(status);
  return { errorClass, code, message };
}

/**
 * `x-ms-ratelimit-burst-remaining-xrm-requests`: requests left in the 5-minute window of
 * 6,000. It is the closest Dataverse comes to a usage figure, so it is reported as such.
 * https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
 */
export function usageFromHeaders(headers: Headers): { used: number; limit: number } | undefined {
  const raw = headers.get('x-ms-ratelimit-burst-remaining-xrm-requests');
  const remaining = Number(raw);
  if (raw === null || !Number.isFinite(remaining)) return undefined;
  const limit = DATAVERSE_LIMITS.windowRequests;
  return { used: Math.max(0, limit - remaining), limit };
}

export interface WireOptions {
  /** Where the token endpoint lives: the credentials' `authorityUrl` (login.microsoftonline.com by default), or the emulator. */
  authorityUrl: string;
  /** The Dataverse org URL, whose `/.default` scope is requested. */
  resourceUrl: string;
  credentials: ConnectionCredentials;
  timeoutMs?: number;
  hostPolicy: HostPolicy;
}

/** What a person does about Entra's refusals of the token request (appended to its message). */
const FIXES: Record<string, string> = {
  invalid_scope: ' (Junction asks for the org URL + /.default: set baseUrl to the org URL, such as https://contoso.crm.dynamics.com)',
  invalid_resource: ' (the org is not known in that tenant: check baseUrl is the org URL and tenantId its Entra tenant, and that the app registration is an application user in the org)',
  invalid_client: ' (send the client secret value, not its id, with updateConnection)',
  unauthorized_client: ' (clientId is not an app registration in that tenant: check clientId and tenantId)',
};

export function createDataverseWire(options: WireOptions): VendorWire {
  return { classify: classifyDataverse, usageFromHeaders, fetchToken: () => fetchToken(options) };
}

/**
 * Against Entra ID: the refresh-token grant when the connection holds one (delegated access,
 * consented by a user), else the client-credentials grant (an application user, which has no
 * refresh token). Entra rotates refresh tokens but keeps the old one valid, so the stored one is kept.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
 */
async function fetchToken({ authorityUrl, resourceUrl, credentials, timeoutMs, hostPolicy }: WireOptions): Promise<TokenInfo> {
  const tenant = encodeURIComponent(credentials.tenantId ?? 'organizations');
  const endpoint = `POST /${tenant}/oauth2/v2.0/token`;
  const client = { client_id: credentials.clientId ?? '', client_secret: credentials.clientSecret ?? '', scope: `${resourceUrl}/.default` };
  const form = credentials.refreshToken ? { ...client, grant_type: 'refresh_token', refresh_token: credentials.refreshToken } : { ...client, grant_type: 'client_credentials' };
  const { ok, status, body } = await postTokenForm({ url: `${authorityUrl}/${tenant}/oauth2/v2.0/token`, form, endpoint, timeoutMs, hostPolicy });
  if (!ok) {
    const failure = classifyDataverse(status, body);
    // AAD descriptions never echo the secret, but keep only the first line (trace ids follow).
    const message = scrubTokenMessage(failure.message.split(/\r?\n/)[0] ?? '', form);
    const errorClass = status >= 500 ? 'SERVER' : failure.errorClass;
    throw new SystemError(errorClass, failure.code, `${endpoint} answered ${status}: ${message}${FIXES[failure.code] ?? ''}`, { status, endpoint });
  }
  const token = parseTokenAnswer(body);
  return { accessToken: token.accessToken, expiresAt: new Date(Date.now() + token.expiresInSeconds * 1000).toISOString() };
}
