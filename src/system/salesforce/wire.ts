/**
 * What the transport needs to know about Salesforce's wire: how to classify an error
 * body, where usage is reported, and how to get a token.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
import { classifyStatus, SystemError, type ErrorClass } from '../errors';
import type { ConnectionCredentials, TokenInfo } from '../system-api';
import type { VendorFailure, VendorWire } from '../transport/http-transport';
import { hostProblem, isLoopbackHost, type HostPolicy } from '../transport/host-policy';
import { postTokenForm, scrubTokenMessage } from '../transport/token-request';
import { describeUnparsedAnswer } from '../transport/vendor-text';
import { SESSION_LIFETIME_MS } from './descriptor';
import { introspectToken, type TokenIntrospection } from './introspect';
import { JWT_BEARER_GRANT, jwtAssertion } from './jwt-bearer';
import { OAuthError, parseWire, RestErrors, TokenResponse } from './types';

/** Salesforce error codes (REST `errorCode` and SaveResult `statusCode`) by class. */
export const ERROR_CODE_CLASSES: Readonly<Record<string, ErrorClass>> = {
  INVALID_SESSION_ID: 'AUTHENTICATION',
  invalid_grant: 'AUTHENTICATION',
  invalid_client: 'AUTHENTICATION',
  invalid_client_id: 'AUTHENTICATION',
  unsupported_grant_type: 'AUTHENTICATION',
  INSUFFICIENT_ACCESS: 'PERMISSION',
  INSUFFICIENT_ACCESS_OR_READONLY: 'PERMISSION',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'PERMISSION',
  API_DISABLED_FOR_ORG: 'PERMISSION',
  API_CURRENTLY_DISABLED: 'PERMISSION',
  FUNCTIONALITY_NOT_ENABLED: 'PERMISSION',
  REQUEST_LIMIT_EXCEEDED: 'RATE_LIMIT',
  QUERY_TIMEOUT: 'TIMEOUT',
  SERVER_UNAVAILABLE: 'SERVER',
  UNKNOWN_EXCEPTION: 'SERVER',
  NOT_FOUND: 'NOT_FOUND',
  ENTITY_IS_DELETED: 'NOT_FOUND',
  DUPLICATE_VALUE: 'CONFLICT',
  DUPLICATES_DETECTED: 'CONFLICT',
  DUPLICATE_EXTERNAL_ID: 'CONFLICT',
  CANNOT_UPDATE_CONVERTED_LEAD: 'CONFLICT',
  UNABLE_TO_LOCK_ROW: 'CONFLICT',
  ALL_OR_NONE_OPERATION_ROLLED_BACK: 'CONFLICT',
  ENTITY_IS_LOCKED: 'CONFLICT',
  MALFORMED_QUERY: 'VALIDATION',
  INVALID_FIELD: 'VALIDATION',
  INVALID_TYPE: 'VALIDATION',
  INVALID_QUERY_LOCATOR: 'VALIDATION',
  INVALID_REPLICATION_DATE: 'VALIDATION',
  REQUIRED_FIELD_MISSING: 'VALIDATION',
  INVALID_EMAIL_ADDRESS: 'VALIDATION',
  FIELD_CUSTOM_VALIDATION_EXCEPTION: 'VALIDATION',
  FIELD_INTEGRITY_EXCEPTION: 'VALIDATION',
  INVALID_FIELD_FOR_INSERT_UPDATE: 'VALIDATION',
  INVALID_CROSS_REFERENCE_KEY: 'VALIDATION',
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: 'VALIDATION',
  INVALID_TYPE_ON_FIELD_IN_RECORD: 'VALIDATION',
  STRING_TOO_LONG: 'VALIDATION',
  NUMBER_OUTSIDE_VALID_RANGE: 'VALIDATION',
  JSON_PARSER_ERROR: 'VALIDATION',
  MALFORMED_ID: 'VALIDATION',
  INVALID_ID_FIELD: 'VALIDATION',
  MISSING_ARGUMENT: 'VALIDATION',
  EXCEEDED_ID_LIMIT: 'VALIDATION',
  INVALIDJOB: 'VALIDATION',
  INVALIDENTITY: 'VALIDATION',
  INVALIDJOBSTATE: 'CONFLICT',
  BULK_API_ERROR: 'VALIDATION',
};

/** Class of a Salesforce code; the HTTP status decides when the code is unknown. */
export function classifyCode(code: string, status?: number): ErrorClass {
  if (status !== undefined && status >= 500) return 'SERVER';
  const known = ERROR_CODE_CLASSES[code];
  if (known) return known;
  if (code.startsWith('INSUFFICIENT_ACCESS')) return 'PERMISSION';
  return status === undefined ? 'UNKNOWN' : classifyStatus(status);
}

export function classifyFailure(status: number, body: unknown): VendorFailure {
  const rest = RestErrors.safeParse(body);
  if (rest.success) {
    const { errorCode, message = '' } = rest.data[0]!;
    const errorClass = classifyCode(errorCode, status);
    // 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." is the rolling daily quota:
    // waiting seconds will not help, unlike the concurrent-request flavour.
    const quotaExhausted = errorCode === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(message);
    return { errorClass, code: errorCode, message, ...(quotaExhausted ? { quotaExhausted } : {}) };
  }
  const oauth = OAuthError.safeParse(body);
  if (oauth.success) return { errorClass: classifyCode(oauth.data.error, status), code: oauth.data.error, message: oauth.data.error_description ?? '' };
  // Not Salesforce's error format: perhaps not Salesforce at all. Its content is never quoted.
  return { errorClass: classifyStatus(status), code: `HTTP_${status}`, message: describeUnparsedAnswer(body) };
}

/** `Sforce-Limit-Info: api-usage=18/5000` (crm-wire.md §1.2). */
export function usageFromHeaders(headers: Headers): { used: number; limit: number } | undefined {
  const m = /api-usage=(\d+)\/(\d+)/.exec(headers.get('sforce-limit-info') ?? '');
  return m ? { used: Number(m[1]), limit: Number(m[2]) } : undefined;
}

export interface TokenFetchOptions {
  loginUrl: string;
  credentials: ConnectionCredentials;
  timeoutMs?: number;
  /** Hosts the token request, and the session host a token answer names, may be. */
  hostPolicy: HostPolicy;
  /** Called with the token answer's `instance_url`: every later REST call is based on it. */
  onSession(instanceUrl: string): void;
}

/**
 * The grant the credentials call for: JWT bearer (a signed assertion, no secret), the
 * refresh-token grant, else client credentials (crm-wire.md §1.1, §6.1 item 2).
 */
function grantForm(options: TokenFetchOptions): Record<string, string> {
  const { clientId = '', clientSecret = '', refreshToken, username, privateKeyPem } = options.credentials;
  if (username && privateKeyPem) return { grant_type: JWT_BEARER_GRANT, assertion: jwtAssertion({ clientId, username, loginUrl: options.loginUrl, privateKeyPem, now: Date.now() }) };
  if (refreshToken) return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret };
  return { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
}

/**
 * A new session. Salesforce sends no `expires_in`: where the connected app's secret is known,
 * introspection says when the session and the refresh token expire; else sessions are taken
 * to last 2 h (the default timeout).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm
 */
export async function fetchSalesforceToken(options: TokenFetchOptions): Promise<TokenInfo> {
  const form = grantForm(options);
  const endpoint = 'POST /services/oauth2/token';
  const { ok, status, body } = await postTokenForm({ url: `${options.loginUrl}/services/oauth2/token`, form, endpoint, timeoutMs: options.timeoutMs, hostPolicy: options.hostPolicy });
  if (!ok) {
    const failure = classifyFailure(status, body);
    // Any refusal at the token endpoint means our credentials are not accepted.
    const errorClass = status >= 500 ? 'SERVER' : 'AUTHENTICATION';
    throw new SystemError(errorClass, failure.code, `token request answered ${status}: ${scrubTokenMessage(failure.message, form)}${fixFor(form, failure.message)}`, { status, endpoint });
  }
  const token = parseWire(TokenResponse, body, 'token answer');
  const instanceUrl = token.instance_url.replace(/\/+$/, '');
  const foreign = foreignInstance(instanceUrl, options.loginUrl, options.hostPolicy);
  if (foreign)
    throw new SystemError('AUTHENTICATION', 'FOREIGN_INSTANCE_URL', `token answer's instance_url is refused, so its session is not used: ${foreign}`, { status, endpoint });
  options.onSession(instanceUrl);
  // The identity URL ends `/<orgId>/<userId>` (crm-wire.md §1): outbound messages are checked against that org.
  const organizationId = token.id.split('/').at(-2);
  const lifetimes = await lifetimesOf(options, instanceUrl, token.access_token);
  return {
    accessToken: token.access_token,
    expiresAt: lifetimes.expiresAt ?? new Date(Date.now() + SESSION_LIFETIME_MS).toISOString(),
    ...(lifetimes.refreshTokenExpiresAt ? { refreshTokenExpiresAt: lifetimes.refreshTokenExpiresAt } : {}),
    ...(organizationId ? { organizationId } : {}),
  };
}

/** What the JWT bearer refusals mean to the person who configured it (crm-wire.md §6.1 item 2). */
function fixFor(form: Record<string, string>, message: string): string {
  if (form.grant_type !== JWT_BEARER_GRANT) return '';
  if (/approved/i.test(message)) return ' (pre-authorize the user: the connected app\'s "Admin approved users are pre-authorized" policy, with the user\'s profile or permission set added)';
  if (/audience/i.test(message)) return ' (the assertion\'s aud is the login host: use https://login.salesforce.com or https://test.salesforce.com as baseUrl)';
  return ' (check that the certificate uploaded to the connected app matches privateKeyPem, clientId is its consumer key and username is the integration user)';
}

/** The session's and the refresh token's expiry as introspection tells them; nothing when it cannot be asked or does not say. */
async function lifetimesOf(options: TokenFetchOptions, instanceUrl: string, accessToken: string): Promise<{ expiresAt?: string; refreshTokenExpiresAt?: string }> {
  const { clientId, clientSecret, refreshToken } = options.credentials;
  if (!clientId || !clientSecret) return {};
  const ask = (token: string, hint: 'access_token' | 'refresh_token') =>
    introspectToken({ url: `${instanceUrl}/services/oauth2/introspect`, token, hint, clientId, clientSecret, hostPolicy: options.hostPolicy, timeoutMs: options.timeoutMs }).catch(
      () => undefined /* the session works without it; the defaults stand */,
    );
  const at = (i: TokenIntrospection | undefined) => (i?.active && i.exp ? new Date(i.exp * 1000).toISOString() : undefined);
  return { expiresAt: at(await ask(accessToken, 'access_token')), refreshTokenExpiresAt: refreshToken ? at(await ask(refreshToken, 'refresh_token')) : undefined };
}

/**
 * Every later call (bearer token included) goes to the token answer's instance_url, so it must
 * be in the connection's host family; a loopback one only when the login URL is loopback too
 * (an emulator names itself), never as the answer of a real Salesforce host.
 */
function foreignInstance(instanceUrl: string, loginUrl: string, policy: HostPolicy): string | undefined {
  const problem = hostProblem(instanceUrl, policy);
  if (problem) return problem;
  const loopback = (url: string) => isLoopbackHost(new URL(url).hostname);
  if (loopback(instanceUrl) && !loopback(loginUrl)) return `${new URL(instanceUrl).hostname} is a loopback address, but the login host is not`;
  return undefined;
}

export function salesforceWire(options: TokenFetchOptions): VendorWire {
  return { classify: classifyFailure, usageFromHeaders, fetchToken: () => fetchSalesforceToken(options) };
}
