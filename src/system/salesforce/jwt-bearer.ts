/**
 * Salesforce's OAuth 2.0 JWT bearer flow (crm-wire.md §6.1 item 2): an RS256-signed assertion
 * naming the connected app (iss), the pre-authorized integration user (sub) and the login host
 * (aud), posted as `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`. No secret is sent
 * and no refresh token comes back: each new session is another assertion.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
 */
import { createSign } from 'node:crypto';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Salesforce accepts an assertion for at most 3 minutes after it was made; ours lives 2 minutes, clock skew included. */
const ASSERTION_LIFETIME_SECONDS = 120;

/**
 * The audience Salesforce expects: `https://login.salesforce.com` for production and My Domain
 * hosts, `https://test.salesforce.com` for sandboxes; any other host (an Experience Cloud site,
 * the emulator) is its own audience.
 */
export function jwtAudience(loginUrl: string): string {
  const host = new URL(loginUrl).hostname.toLowerCase();
  if (host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com')) return 'https://test.salesforce.com';
  if (host === 'login.salesforce.com' || host.endsWith('.my.salesforce.com')) return 'https://login.salesforce.com';
  return loginUrl.replace(/\/+$/, '');
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** The signed assertion: header `{"alg":"RS256"}`, claims iss, sub, aud, exp (epoch seconds). */
export function jwtAssertion(claims: { clientId: string; username: string; loginUrl: string; privateKeyPem: string; now: number }): string {
  const header = base64url(JSON.stringify({ alg: 'RS256' }));
  const payload = base64url(
    JSON.stringify({ iss: claims.clientId, sub: claims.username, aud: jwtAudience(claims.loginUrl), exp: Math.floor(claims.now / 1000) + ASSERTION_LIFETIME_SECONDS }),
  );
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(claims.privateKeyPem);
  return `${header}.${payload}.${base64url(signature)}`;
}
