/**
 * The web server flow with PKCE (crm-wire §6.1 item 1): the consent page at
 * `/services/oauth2/authorize`, and the token route's `authorization_code` grant, refused the
 * way Salesforce words it (a verifier that does not match is `invalid_request`, a missing one
 * `invalid_grant`). The answer is then the token route's, with the refresh token.
 */
import { consentPage, json, type CodeRefusal, type EmulatorContext, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';

export const AUTHORIZE_PATH = '/services/oauth2/authorize';

/** The consent page for the sandbox connected app (`clientId`). */
export const authorizePage = (req: EmulatorRequest, ctx: EmulatorContext, clientId: string): EmulatorResponse => consentPage(req, ctx, { vendor: 'Salesforce', clientId, impliedChallengeMethod: 'S256' });

const REFUSALS: Record<CodeRefusal, [string, string]> = {
  unknown_code: ['invalid_grant', 'invalid authorization code'],
  expired_code: ['invalid_grant', 'expired authorization code'],
  client_mismatch: ['invalid_grant', 'invalid authorization code'],
  redirect_mismatch: ['invalid_grant', 'redirect_uri must match configuration'],
  missing_verifier: ['invalid_grant', 'invalid code verifier'],
  bad_verifier: ['invalid_request', 'invalid code verifier'],
};

/** Undefined when the form's code is good (and now used up); else the refusal to answer. */
export function codeRefusal(form: URLSearchParams, ctx: Pick<EmulatorContext, 'codes' | 'clock'>): EmulatorResponse | undefined {
  const redeemed = ctx.codes.redeem(form.get('code'), { clientId: form.get('client_id'), redirectUri: form.get('redirect_uri'), codeVerifier: form.get('code_verifier') }, ctx.clock.now());
  if (redeemed.ok) return undefined;
  const [error, description] = REFUSALS[redeemed.refusal];
  return json(400, { error, error_description: description });
}
