/**
 * HubSpot's v1 token information (crm-wire.md §6.2 item 8), where the token in the path is its
 * own authentication: `GET /oauth/v1/refresh-tokens/:token` (no expiry field: HubSpot refresh
 * tokens live until revoked) and `GET /oauth/v1/access-tokens/:token` (`expires_in` seconds left).
 * The sandbox private app's token (`pat-…`, crm-wire.md §6.2 item 9) is accepted as a bearer on
 * every CRM route and never expires.
 * https://developers.hubspot.com/docs/api-reference/legacy/oauth-v1/tokens/get-oauth-v1-refresh-tokens-token
 */
import { json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { errorResponse } from './errors';
import { badRefreshToken, SANDBOX } from './routes-oauth';
import type { HubspotState } from './state';
import { PORTAL_ID } from './webhooks';

export const SANDBOX_PRIVATE_APP_TOKEN = 'pat-na1-junction-sandbox';
export const TOKEN_INFO_PATH = /^\/oauth\/v1\/(refresh-tokens|access-tokens)\/([^/]+)$/;

const SCOPES = ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.contacts.write', 'oauth'];
const IDENTITY = { user: 'integration@junction.sandbox', hub_domain: 'junction-sandbox.hubspot.com', scopes: SCOPES, hub_id: PORTAL_ID, user_id: 1 };
const APP_ID = 1_000_001;

/** Whether a bearer token may call the CRM routes: an issued, live OAuth token, or the private app's. */
export function bearerAccepted(state: HubspotState, token: string | undefined): boolean {
  return token === SANDBOX_PRIVATE_APP_TOKEN || state.ctx.tokens.isValid(token, state.ctx.clock.now());
}

/** `kind` and `encoded` are the path's two parts; a token that does not decode is one HubSpot does not know. */
export function tokenInfoRoute(state: HubspotState, req: EmulatorRequest, kind: string, encoded: string): EmulatorResponse {
  if (req.method !== 'GET') return errorResponse(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported on ${req.path}`);
  let token = '';
  try {
    token = decodeURIComponent(encoded);
  } catch {
    /* stays unknown */
  }
  const { tokens, clock } = state.ctx;
  if (kind === 'refresh-tokens') {
    if (tokens.refreshRevoked || token !== SANDBOX.refreshToken) return badRefreshToken();
    return json(200, { token, ...IDENTITY, client_id: SANDBOX.clientId, token_type: 'refresh' });
  }
  const life = tokens.lifetimeOf(token, clock.now());
  if (!life) return errorResponse(404, 'OBJECT_NOT_FOUND', 'access token is unknown or expired');
  const expiresIn = Math.max(0, Math.floor((life.expiresAt - clock.now()) / 1000));
  return json(200, {
    token,
    ...IDENTITY,
    signed_access_token: { expiresAt: life.expiresAt, scopes: SCOPES.join(' '), hubId: PORTAL_ID, userId: 1, appId: APP_ID, isPrivateDistribution: false },
    app_id: APP_ID,
    expires_in: expiresIn,
    token_type: 'access',
    is_private_distribution: false,
  });
}
