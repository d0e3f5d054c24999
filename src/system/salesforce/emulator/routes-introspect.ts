/**
 * `POST /services/oauth2/introspect` (crm-wire.md §6.1 item 1): the connected app asks about one
 * of its tokens (form `token`, `token_type_hint`, client id and secret, or Basic auth). A live
 * token answers `{active:true, exp, iat, nbf, …}` in epoch seconds; an unknown, expired or
 * revoked one `{active:false}`. The sandbox refresh token carries `exp` only when the app's
 * refresh-token policy sets one (connected-app.ts).
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oidc_token_introspection_endpoint.htm
 */
import { json, type EmulatorClock, type EmulatorRequest, type EmulatorResponse, type TokenRegistry } from '../../emulator-kit';
import { SANDBOX, SANDBOX_USERNAME, type ConnectedApp } from './connected-app';
import { oauthError } from './errors';
import { ORG_ID, USER_ID } from './schema';

export const INTROSPECT_PATH = '/services/oauth2/introspect';

function clientOf(req: EmulatorRequest, form: URLSearchParams): { id: string | null; secret: string | null } {
  const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
  if (!basic) return { id: form.get('client_id'), secret: form.get('client_secret') };
  const [id = '', secret = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
  return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
}

export function introspectEndpoint(req: EmulatorRequest, tokens: TokenRegistry, clock: EmulatorClock, app: ConnectedApp, baseUrl: string): EmulatorResponse {
  const form = new URLSearchParams(req.text());
  const client = clientOf(req, form);
  if (client.id !== SANDBOX.clientId || client.secret !== SANDBOX.clientSecret) return oauthError('invalid_client', 'invalid client credentials', 401);
  const token = form.get('token') ?? '';
  const now = clock.now();
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const common = { scope: 'api refresh_token', client_id: SANDBOX.clientId, username: SANDBOX_USERNAME, sub: `${baseUrl}/id/${ORG_ID}/${USER_ID}` };
  const session = tokens.lifetimeOf(token, now);
  if (session) return json(200, { active: true, ...common, token_type: 'access_token', exp: seconds(session.expiresAt), iat: seconds(session.issuedAt), nbf: seconds(session.issuedAt) });
  if (token === SANDBOX.refreshToken && !tokens.refreshRevoked && app.refreshTokenLive(now))
    return json(200, { active: true, ...common, token_type: 'refresh_token', ...(app.refreshTokenExpiresAt === undefined ? {} : { exp: seconds(app.refreshTokenExpiresAt) }) });
  return json(200, { active: false });
}
