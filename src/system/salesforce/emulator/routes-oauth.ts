/**
 * `POST /services/oauth2/token` (crm-wire.md §1.1, §6.1 items 2 and 3): one function per grant
 * for the sandbox connected app — refresh_token, client_credentials, password, the JWT bearer
 * (jwt-bearer.ts) and authorization_code (routes-consent.ts). jsforce needs `id` (it splits it into org and user ids) and re-bases
 * every later call on `instance_url`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_refresh_token_oauth.htm
 */
import { createHmac } from 'node:crypto';
import { json, type AuthorizationCodes, type EmulatorClock, type EmulatorRequest, type EmulatorResponse, type TokenRegistry } from '../../emulator-kit';
import { SANDBOX, type ConnectedApp } from './connected-app';
import { oauthError } from './errors';
import { JWT_BEARER_GRANT, jwtBearerRefusal } from './jwt-bearer';
import { codeRefusal } from './routes-consent';
import { ORG_ID, USER_ID } from './schema';

export { SANDBOX } from './connected-app';

/** What a grant sees: the form, the app's settings, the emulator's clock and tokens, and the URL the client reached us by. */
export interface GrantContext {
  form: URLSearchParams;
  app: ConnectedApp;
  tokens: TokenRegistry;
  clock: EmulatorClock;
  baseUrl: string;
  /** The consent page's codes (routes-consent.ts). */
  codes: AuthorizationCodes;
}

/** A grant's verdict: a refusal, or a session (with the refresh token the grant hands out, if any). */
type Grant = (g: GrantContext) => EmulatorResponse | { refreshToken?: string };

/** The sandbox app has "Require Secret for Refresh Token Flow" on, so every secret-bearing grant needs it. */
function clientRefusal(form: URLSearchParams): EmulatorResponse | undefined {
  if (form.get('client_id') !== SANDBOX.clientId || form.get('client_secret') !== SANDBOX.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
  return undefined;
}

const GRANTS: Record<string, Grant> = {
  refresh_token: ({ form, tokens, app, clock }) => {
    const refused = clientRefusal(form);
    if (refused) return refused;
    // Revoked (the revokeRefreshTokens fault), past the app's refresh-token policy, or unknown: one answer (crm-wire.md §6.1 item 3).
    if (tokens.refreshRevoked || form.get('refresh_token') !== SANDBOX.refreshToken || !app.refreshTokenLive(clock.now())) return oauthError('invalid_grant', 'expired access/refresh token');
    return {};
  },
  client_credentials: ({ form }) => clientRefusal(form) ?? {},
  password: ({ form }) => clientRefusal(form) ?? (!form.get('username') || !form.get('password') ? oauthError('invalid_grant', 'authentication failure') : { refreshToken: SANDBOX.refreshToken }),
  [JWT_BEARER_GRANT]: (g) => jwtBearerRefusal(g) ?? {},
  // The consent page's code, redeemed once with its PKCE verifier.
  authorization_code: ({ form, codes, clock }) => clientRefusal(form) ?? codeRefusal(form, { codes, clock }) ?? { refreshToken: SANDBOX.refreshToken },
};

export function tokenEndpoint(req: EmulatorRequest, tokens: TokenRegistry, clock: EmulatorClock, baseUrl: string, app: ConnectedApp, codes: AuthorizationCodes): EmulatorResponse {
  const form = new URLSearchParams(req.text());
  const grant = GRANTS[form.get('grant_type') ?? ''];
  if (!grant) return oauthError('unsupported_grant_type', 'grant type not supported');
  const verdict = grant({ form, app, tokens, clock, baseUrl, codes });
  if ('status' in verdict) return verdict;
  return session(tokens, clock, baseUrl, verdict.refreshToken);
}

/** The token answer (no `expires_in`: Salesforce sends none; introspection tells the expiry). */
function session(tokens: TokenRegistry, clock: EmulatorClock, baseUrl: string, refreshToken: string | undefined): EmulatorResponse {
  const issuedAt = clock.now();
  const { token } = tokens.issue(issuedAt);
  const id = `${baseUrl}/id/${ORG_ID}/${USER_ID}`;
  const signature = createHmac('sha256', SANDBOX.clientSecret).update(id + String(issuedAt)).digest('base64');
  return json(200, {
    access_token: token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature,
    scope: 'api refresh_token',
    instance_url: baseUrl,
    id,
    token_type: 'Bearer',
    issued_at: String(issuedAt),
  });
}
