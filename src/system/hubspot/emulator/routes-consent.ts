/**
 * HubSpot's OAuth consent (crm-wire §6.2 item 8): the consent page at `/oauth/authorize`
 * (app.hubspot.com in reality; the emulator serves it on its own host) and `/oauth/v1/token`'s
 * `authorization_code` grant with PKCE, refused in HubSpot's body (`BAD_AUTH_CODE`, …).
 * https://developers.hubspot.com/docs/api-reference/legacy/oauth-v1/tokens/post-oauth-v1-token
 */
import { randomUUID } from 'node:crypto';
import { consentPage, json, type CodeRefusal, type EmulatorContext, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';

export const AUTHORIZE_PATH = '/oauth/authorize';
/** The sandbox portal's hub id (as in its webhook deliveries' portalId). */
const HUB_ID = 62515;

export const authorizePage = (req: EmulatorRequest, ctx: EmulatorContext, clientId: string): EmulatorResponse => consentPage(req, ctx, { vendor: 'HubSpot', clientId });

const refusal = (status: string, message: string, error: string): EmulatorResponse => json(400, { status, message, error, error_description: message, correlationId: randomUUID() });

const REFUSALS: Record<CodeRefusal, [string, string]> = {
  unknown_code: ['BAD_AUTH_CODE', 'missing or unknown auth code'],
  expired_code: ['BAD_AUTH_CODE', 'auth code expired'],
  client_mismatch: ['BAD_AUTH_CODE', 'auth code was issued to another client'],
  redirect_mismatch: ['BAD_REDIRECT_URI', 'redirect_uri does not match the one the code was issued for'],
  missing_verifier: ['BAD_AUTH_CODE', 'code_verifier is required'],
  bad_verifier: ['BAD_AUTH_CODE', 'code_verifier does not match the code_challenge'],
};

/** The grant for a code from the consent page; the client was checked by the token route. */
export function codeGrant(form: URLSearchParams, ctx: EmulatorContext, refreshToken: string): EmulatorResponse {
  const redeemed = ctx.codes.redeem(form.get('code'), { clientId: form.get('client_id'), redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') }, ctx.clock.now());
  if (!redeemed.ok) {
    const [status, message] = REFUSALS[redeemed.refusal];
    return refusal(status, message, 'invalid_grant');
  }
  const issued = ctx.tokens.issue(ctx.clock.now());
  return json(200, {
    token_type: 'bearer',
    refresh_token: refreshToken,
    access_token: issued.token,
    expires_in: Math.max(1, Math.floor(ctx.tokens.ttl / 1000)),
    hub_id: HUB_ID,
    scopes: redeemed.code.scope.split(' ').filter(Boolean),
    token_use: 'access_token',
  });
}
