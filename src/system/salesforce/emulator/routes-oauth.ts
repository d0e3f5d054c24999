/**
 * `POST /services/oauth2/token` (crm-wire.md §1.1): refresh_token, client_credentials, password
 * and authorization_code (its code checked in routes-consent.ts) grants for the sandbox connected
 * app. jsforce needs `id` (it splits it into org and user ids) and re-bases every later call on `instance_url`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm
 */
import { createHmac } from 'node:crypto';
import { json, type EmulatorContext, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { codeRefusal } from './routes-consent';
import { ORG_ID, USER_ID } from './schema';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } as const;

const oauthError = (error: string, description: string, status = 400): EmulatorResponse => json(status, { error, error_description: description });

export function tokenEndpoint(req: EmulatorRequest, ctx: EmulatorContext, baseUrl: string): EmulatorResponse {
  const { tokens, clock } = ctx;
  const form = new URLSearchParams(req.text());
  const grant = form.get('grant_type');
  const clientId = form.get('client_id');
  const secret = form.get('client_secret');
  if (!grant) return oauthError('unsupported_grant_type', 'grant type not supported');
  if (!['refresh_token', 'client_credentials', 'password', 'authorization_code'].includes(grant)) return oauthError('unsupported_grant_type', 'grant type not supported');
  // The sandbox app has "Require Secret for Refresh Token Flow" on, so every grant needs it.
  if (clientId !== SANDBOX.clientId || secret !== SANDBOX.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
  // A revoked refresh token (the revokeRefreshTokens fault) gets the same answer as an unknown one (crm-wire.md §6.1 item 3).
  if (grant === 'refresh_token' && (tokens.refreshRevoked || form.get('refresh_token') !== SANDBOX.refreshToken))
    return oauthError('invalid_grant', 'expired access/refresh token');
  if (grant === 'authorization_code') {
    const refused = codeRefusal(form, ctx);
    if (refused) return refused;
  }
  if (grant === 'password' && (!form.get('username') || !form.get('password'))) return oauthError('invalid_grant', 'authentication failure');
  const issuedAt = clock.now();
  const { token } = tokens.issue(issuedAt);
  const id = `${baseUrl}/id/${ORG_ID}/${USER_ID}`;
  const signature = createHmac('sha256', SANDBOX.clientSecret).update(id + String(issuedAt)).digest('base64');
  return json(200, {
    access_token: token,
    ...(grant === 'password' || grant === 'authorization_code' ? { refresh_token: SANDBOX.refreshToken } : {}),
    signature,
    scope: 'api refresh_token',
    instance_url: baseUrl,
    id,
    token_type: 'Bearer',
    issued_at: String(issuedAt),
  });
}
