/**
 * POST /oauth/v1/token, form-encoded, with HubSpot's error bodies: the refresh-token grant, and
 * the authorization-code grant (routes-consent.ts).
 * https://developers.hubspot.com/docs/api-reference/legacy/oauth-v1/tokens/post-oauth-v1-token
 */
import { randomUUID } from 'node:crypto';
import { json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { codeGrant } from './routes-consent';
import type { HubspotState } from './state';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } as const;

const oauthError = (status: string, message: string, error: string): EmulatorResponse =>
  json(400, { status, message, correlationId: randomUUID(), requestId: randomUUID(), error });

/**
 * An unknown, expired or revoked refresh token, in the body HubSpot sends since 2026
 * (crm-wire.md §6.2 item 8): `error`/`error_description` beside the older `status`/`message`.
 */
const REFRESH_REFUSED = 'refresh token is invalid, expired or revoked';
export const badRefreshToken = (): EmulatorResponse =>
  json(400, { error: 'invalid_grant', error_description: REFRESH_REFUSED, status: 'BAD_REFRESH_TOKEN', message: REFRESH_REFUSED });

export function tokenRoute(state: HubspotState, req: EmulatorRequest): EmulatorResponse {
  const form = new URLSearchParams(req.text());
  const grant = form.get('grant_type');
  if (grant !== 'refresh_token' && grant !== 'authorization_code') return oauthError('BAD_GRANT_TYPE', `unsupported grant type: ${grant ?? 'none'}`, 'unsupported_grant_type');
  if (form.get('client_id') !== SANDBOX.clientId) return oauthError('BAD_CLIENT_ID', 'missing or unknown client id', 'invalid_client');
  if (form.get('client_secret') !== SANDBOX.clientSecret) return oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret', 'invalid_client');
  if (grant === 'authorization_code') return codeGrant(form, state.ctx, SANDBOX.refreshToken);
  const { tokens, clock } = state.ctx;
  if (tokens.refreshRevoked || form.get('refresh_token') !== SANDBOX.refreshToken) return badRefreshToken();
  const issued = tokens.issue(clock.now());
  return json(200, {
    token_type: 'bearer',
    refresh_token: SANDBOX.refreshToken,
    access_token: issued.token,
    // Whole seconds as HubSpot sends them; a sub-second test TTL still says 1.
    expires_in: Math.max(1, Math.floor(tokens.ttl / 1000)),
  });
}
