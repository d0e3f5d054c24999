/**
 * POST /{tenant}/oauth2/v2.0/token: Entra ID's client-credentials grant (an application user),
 * authorization-code grant (routes-consent.ts) and refresh-token grant (delegated access), any tenant,
 * with AADSTS-style errors. msal-node refuses a plain-http authority (crm-wire §4.3), so SDK
 * tests fetch the token here themselves and hand it to dynamics-web-api's onTokenRefresh.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
 */
import { json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { aadError } from './errors';
import { codeRefusal } from './routes-consent';
import type { DataverseState } from './state';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } as const;

export function tokenRoute(state: DataverseState, req: EmulatorRequest): EmulatorResponse {
  const form = new URLSearchParams(req.text());
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials' && grant !== 'refresh_token' && grant !== 'authorization_code')
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`);
  const clientId = form.get('client_id');
  if (clientId !== SANDBOX.clientId)
    return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
  if (form.get('client_secret') !== SANDBOX.clientSecret)
    return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
  const scope = form.get('scope') ?? '';
  if (!scope.split(' ').some((s) => s.endsWith('/.default')))
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
  if (grant === 'authorization_code') {
    const refused = codeRefusal(form, state.ctx);
    if (refused) return refused;
  }
  if (grant === 'refresh_token') {
    // A revoked grant (the revokeRefreshTokens fault: a password reset, an admin's revocation) and an unknown token.
    if (state.ctx.tokens.refreshRevoked)
      return aadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
    if (form.get('refresh_token') !== SANDBOX.refreshToken) return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  }
  const { tokens, clock } = state.ctx;
  const issued = tokens.issue(clock.now());
  // AAD answers 3599 for its hour-long tokens: whole seconds, rounded down, at least 1.
  const seconds = Math.max(1, Math.ceil(tokens.ttl / 1000) - 1);
  const answer = { token_type: 'Bearer', expires_in: seconds, ext_expires_in: seconds, access_token: issued.token };
  // Entra hands out a new refresh token with each refresh; the old one stays valid, so the sandbox keeps one.
  return json(200, grant === 'client_credentials' ? answer : { ...answer, scope, refresh_token: SANDBOX.refreshToken });
}
