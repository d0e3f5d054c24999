/**
 * HubSpot's wire as the transport needs it: error classification (as a table), usage
 * headers, and the refresh-token grant.
 */
import { SystemError, classifyStatus, type ErrorClass } from '../errors';
import type { ConnectionCredentials, TokenInfo } from '../system-api';
import type { VendorFailure, VendorWire } from '../transport/http-transport';
import type { HostPolicy } from '../transport/host-policy';
import { postTokenForm, scrubTokenMessage } from '../transport/token-request';
import { parseErrorBody, parseTokenAnswer } from './types';

/** `category` of HubSpot's error body → our class. */
const CATEGORY_CLASS: Record<string, ErrorClass> = {
  VALIDATION_ERROR: 'VALIDATION',
  CONFLICT: 'CONFLICT',
  OBJECT_NOT_FOUND: 'NOT_FOUND',
  INVALID_AUTHENTICATION: 'AUTHENTICATION',
  EXPIRED_AUTHENTICATION: 'AUTHENTICATION',
  MISSING_SCOPES: 'PERMISSION',
  RATE_LIMITS: 'RATE_LIMIT',
};

/** `status` of an OAuth error body (the token endpoint has its own shape). */
const OAUTH_STATUS_CLASS: Record<string, ErrorClass> = {
  BAD_REFRESH_TOKEN: 'AUTHENTICATION',
  BAD_CLIENT_ID: 'AUTHENTICATION',
  BAD_CLIENT_SECRET: 'AUTHENTICATION',
  BAD_GRANT_TYPE: 'AUTHENTICATION',
  BAD_AUTH_CODE: 'AUTHENTICATION',
};

export function classifyHubspot(status: number, body: unknown): VendorFailure {
  const e = parseErrorBody(body);
  const message = e.message ?? `HTTP ${status}`;
  if (status === 429) {
    // DAILY means the account's allowance is spent until midnight: retrying in seconds is pointless.
    if (e.policyName === 'DAILY') return { errorClass: 'RATE_LIMIT', code: 'DAILY', message, quotaExhausted: true };
    return { errorClass: 'RATE_LIMIT', code: e.policyName ?? 'SECONDLY', message };
  }
  const code = e.errors[0]?.code ?? e.category ?? (e.status && e.status !== 'error' ? e.status : undefined) ?? `HTTP_${status}`;
  let errorClass: ErrorClass;
  if (status === 401) errorClass = 'AUTHENTICATION';
  else if (status === 403) errorClass = 'PERMISSION';
  else if (status >= 500) errorClass = 'SERVER';
  else errorClass = (e.category && CATEGORY_CLASS[e.category]) || (e.status && OAUTH_STATUS_CLASS[e.status]) || classifyStatus(status);
  return { errorClass, code, message };
}

/** `X-HubSpot-RateLimit-Daily(-Remaining)`; absent on search answers and for OAuth apps. */
export function usageFromHeaders(headers: Headers): { used: number; limit: number } | undefined {
  const limit = Number(headers.get('x-hubspot-ratelimit-daily'));
  const remaining = Number(headers.get('x-hubspot-ratelimit-daily-remaining'));
  if (!headers.has('x-hubspot-ratelimit-daily') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  return { used: Math.max(0, limit - remaining), limit };
}

export interface WireOptions {
  baseUrl: string;
  credentials: ConnectionCredentials;
  timeoutMs?: number;
  hostPolicy: HostPolicy;
}

export function createHubspotWire(options: WireOptions): VendorWire {
  return { classify: classifyHubspot, usageFromHeaders, fetchToken: () => fetchToken(options) };
}

/**
 * Refresh-token grant, or a private app's token as it is. HubSpot access tokens live 30 min; the client refreshes on its
 * own clock (client.ts) because HubSpot says a 401 is not a refresh signal.
 * https://developers.hubspot.com/docs/api-reference/legacy/oauth-v1/tokens/post-oauth-v1-token
 */
async function fetchToken({ baseUrl, credentials, timeoutMs, hostPolicy }: WireOptions): Promise<TokenInfo> {
  // A private app's token is the credential itself: no grant, no expiry (crm-wire.md §6.2 item 9).
  if (credentials.accessToken) return { accessToken: credentials.accessToken };
  const endpoint = 'POST /oauth/v1/token';
  if (!credentials.refreshToken) throw new SystemError('AUTHENTICATION', 'NO_REFRESH_TOKEN', `${endpoint}: the connection has no refresh token`, { endpoint });
  const form = { grant_type: 'refresh_token', client_id: credentials.clientId ?? '', client_secret: credentials.clientSecret ?? '', refresh_token: credentials.refreshToken };
  const { ok, status, body } = await postTokenForm({ url: `${baseUrl}/oauth/v1/token`, form, endpoint, timeoutMs, hostPolicy });
  if (!ok) {
    const failure = classifyHubspot(status, body);
    throw new SystemError(failure.errorClass, failure.code, `${endpoint} answered ${status}: ${scrubTokenMessage(failure.message, form)}`, { status, endpoint });
  }
  const token = parseTokenAnswer(body);
  return { accessToken: token.accessToken, expiresAt: new Date(Date.now() + token.expiresInSeconds * 1000).toISOString() };
}
