/**
 * The JWT bearer grant as Salesforce checks it (crm-wire.md §6.1 item 2): an RS256 assertion
 * signed with the key whose certificate the connected app holds, `iss` its consumer key, `sub`
 * a pre-authorized user, `aud` the login host, `exp` in the future (and at most 3 minutes
 * ahead). Every refusal is a 400 `invalid_grant` in the vendor's words.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 */
import { createVerify } from 'node:crypto';
import type { EmulatorResponse } from '../../emulator-kit';
import { SANDBOX, SANDBOX_USERNAME } from './connected-app';
import { oauthError } from './errors';
import type { GrantContext } from './routes-oauth';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** How far ahead `exp` may be: Salesforce allows 3 minutes. */
const MAX_AHEAD_SECONDS = 180;
/** Audiences a real org accepts; the emulator is also its own (as an Experience Cloud site is). */
const AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

const invalidAssertion = () => oauthError('invalid_grant', 'invalid assertion');

/** Why the assertion is refused, or undefined when it is good. */
export function jwtBearerRefusal({ form, app, clock, baseUrl }: GrantContext): EmulatorResponse | undefined {
  const parts = (form.get('assertion') ?? '').split('.');
  if (parts.length !== 3) return invalidAssertion();
  const [header, payload, signature] = parts as [string, string, string];
  const decoded = (part: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const claims = decoded(payload);
  if (decoded(header)?.alg !== 'RS256' || !claims) return invalidAssertion();
  // No certificate uploaded, or signed with another key.
  if (!app.jwtKey || !createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(app.jwtKey, Buffer.from(signature, 'base64url'))) return invalidAssertion();
  if (claims.iss !== SANDBOX.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
  if (![...AUDIENCES, baseUrl].includes(String(claims.aud).replace(/\/+$/, ''))) return oauthError('invalid_grant', 'Audience validation failed');
  const now = clock.now() / 1000;
  // The answer to a stale or far-future exp is what people report for clock skew (unverified in Salesforce's docs).
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + MAX_AHEAD_SECONDS) return oauthError('invalid_grant', 'expired authorization code');
  if (claims.sub !== SANDBOX_USERNAME) return oauthError('invalid_grant', "user hasn't approved this consumer");
  return undefined;
}
