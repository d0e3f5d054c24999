/**
 * Entra ID's authorization-code flow with PKCE, as the emulator serves it beside the org
 * (crm-wire §6.3 item 16): the consent page at `/{tenant}/oauth2/v2.0/authorize`, and the token
 * route's `authorization_code` grant, refused with Entra's AADSTS codes; the token route, having
 * checked the client and the scope, answers it with a refresh token (offline_access).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 */
import { consentPage, type CodeRefusal, type EmulatorContext, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { aadError } from './errors';

export const AUTHORIZE_PATH = /^\/[^/]+\/oauth2\/v2\.0\/authorize$/;

export const authorizePage = (req: EmulatorRequest, ctx: EmulatorContext, clientId: string): EmulatorResponse => consentPage(req, ctx, { vendor: 'Microsoft', clientId });

const REFUSALS: Record<CodeRefusal, [number, string]> = {
  unknown_code: [54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'],
  expired_code: [70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'],
  client_mismatch: [70000, 'The provided value for the \'code\' parameter is not valid.'],
  redirect_mismatch: [50148, 'The redirect_uri does not match the one the authorization code was requested for.'],
  missing_verifier: [50148, 'The code_verifier is missing: the authorization code was requested with a code_challenge.'],
  bad_verifier: [501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'],
};

/** Undefined when the form's code is good (and now used up); else Entra's refusal. The token route answers with the refresh token. */
export function codeRefusal(form: URLSearchParams, ctx: Pick<EmulatorContext, 'codes' | 'clock'>): EmulatorResponse | undefined {
  const redeemed = ctx.codes.redeem(form.get('code'), { clientId: form.get('client_id'), redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') }, ctx.clock.now());
  if (redeemed.ok) return undefined;
  const [aadsts, description] = REFUSALS[redeemed.refusal];
  return aadError(400, 'invalid_grant', aadsts, description);
}
