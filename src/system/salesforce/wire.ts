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
 * Refresh-token grant (client credentials when no refresh token is configured).
 * Salesforce sends no `expires_in`; sessions last 2 h by default.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm
 */
export async function fetchSalesforceToken(options: TokenFetchOptions): Promise<TokenInfo> {
  const { credentials } = options;
  const form: Record<string, string> = credentials.refreshToken
    ? { grant_type: 'refresh_token', refresh_token: credentials.refreshToken, client_id: credentials.clientId, client_secret: credentials.clientSecret }
    : { grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret };
  const endpoint = 'POST /services/oauth2/token';
  const { ok, status, body } = await postTokenForm({ url: `${options.loginUrl}/services/oauth2/token`, form, endpoint, timeoutMs: options.timeoutMs, hostPolicy: options.hostPolicy });
  if (!ok) {
    const failure = classifyFailure(status, body);
    // Any refusal at the token endpoint means our credentials are not accepted.
    const errorClass = status >= 500 ? 'SERVER' : 'AUTHENTICATION';
    throw new SystemError(errorClass, failure.code, `token request answered ${status}: ${scrubTokenMessage(failure.message, form)}`, { status, endpoint });
  }
  const token = parseWire(TokenResponse, body, 'token answer');
  const instanceUrl = token.instance_url.replace(/\/+$/, '');
  const foreign = foreignInstance(instanceUrl, options.loginUrl, options.hostPolicy);
  if (foreign)
    throw new SystemError('AUTHENTICATION', 'FOREIGN_INSTANCE_URL', `token answer's instance_url is refused, so its session is not used: ${foreign}`, { status, endpoint });
  options.onSession(instanceUrl);
  // The identity URL ends `/<orgId>/<userId>` (crm-wire.md §1): outbound messages are checked against that org.
  const organizationId = token.id.split('/').at(-2);
  return {
    accessToken: token.access_token,
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS).toISOString(),
    ...(organizationId ? { organizationId } : {}),
  };
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
