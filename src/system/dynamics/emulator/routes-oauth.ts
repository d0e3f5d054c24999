/**
 * POST /{tenant}/oauth2/v2.0/token: Entra ID's token endpoint for the sandbox app registration,
 * any tenant, with AADSTS-style errors (crm-wire.md §6.3 item 16). One function per grant:
 * client credentials (an application user), authorization code (a consent) and refresh token
 * (delegated access, after that consent). Every grant asks for the org's `/.default` scope; another
 * resource is refused as Entra refuses it. msal-node refuses a plain-http authority
 * (crm-wire §4.3), so SDK tests fetch the token here themselves and hand it to
 * dynamics-web-api's onTokenRefresh.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
 */
import { json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { aadError } from './errors';
import { codeRefusal } from './routes-consent';
import type { DataverseState } from './state';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } as const;

/** What a grant sees: the form, the tenant in the path, and the org URL this emulator answers as. */
interface GrantRequest {
  state: DataverseState;
  form: URLSearchParams;
  tenant: string;
  orgUrl: string;
}

/** A grant's verdict: a refusal, or the extra fields of its answer. */
type Grant = (g: GrantRequest) => EmulatorResponse | Record<string, string>;

const GRANTS: Record<string, Grant> = {
  client_credentials: () => ({}),
  refresh_token: ({ state, form }) => {
    // A revoked grant (the revokeRefreshTokens fault: a password reset, an admin's revocation) and an unknown token.
    if (state.ctx.tokens.refreshRevoked)
      return aadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
    if (form.get('refresh_token') !== SANDBOX.refreshToken) return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    // Entra hands out a new refresh token with each refresh; the old one stays valid, so the sandbox keeps one.
    return { scope: form.get('scope') ?? '', refresh_token: SANDBOX.refreshToken };
  },
  // The consent page's code (routes-consent.ts), redeemed once with its PKCE verifier; answered as a refresh is.
  authorization_code: ({ state, form }) => codeRefusal(form, state.ctx) ?? { scope: form.get('scope') ?? '', refresh_token: SANDBOX.refreshToken },
};

export function tokenRoute(state: DataverseState, req: EmulatorRequest): EmulatorResponse {
  const form = new URLSearchParams(req.text());
  const grantType = form.get('grant_type') ?? '';
  const grant = GRANTS[grantType];
  if (!grant) return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  const refused = clientRefusal(form) ?? scopeRefusal(form.get('scope') ?? '', orgUrlOf(req), tenantOf(req));
  if (refused) return refused;
  const answer = grant({ state, form, tenant: tenantOf(req), orgUrl: orgUrlOf(req) });
  if ('status' in answer && typeof answer.status === 'number') return answer as EmulatorResponse;
  const { tokens, clock } = state.ctx;
  const issued = tokens.issue(clock.now());
  // AAD answers 3599 for its hour-long tokens: whole seconds, rounded down, at least 1.
  const seconds = Math.max(1, Math.ceil(tokens.ttl / 1000) - 1);
  return json(200, { token_type: 'Bearer', expires_in: seconds, ext_expires_in: seconds, access_token: issued.token, ...(answer as Record<string, string>) });
}

function clientRefusal(form: URLSearchParams): EmulatorResponse | undefined {
  const clientId = form.get('client_id');
  if (clientId !== SANDBOX.clientId) return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
  if (form.get('client_secret') !== SANDBOX.clientSecret)
    return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
  return undefined;
}

/**
 * The scope must name a resource with `/.default` (AADSTS1002012), and that resource must be
 * this org (AADSTS500011: Entra knows no service principal for another URL in the tenant).
 * Delegated scopes (`offline_access`, `openid`) may stand beside it.
 */
function scopeRefusal(scope: string, orgUrl: string, tenant: string): EmulatorResponse | undefined {
  const resources = scope.split(' ').filter((s) => s.endsWith('/.default'));
  if (resources.length === 0)
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`);
  const normal = (url: string) => url.replace(/\/\.default$/, '').replace(/\/+$/, '').toLowerCase();
  const foreign = resources.find((r) => !isThisOrg(normal(r), orgUrl));
  if (foreign)
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${normal(foreign)} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  return undefined;
}

/** Whether a scope's resource names this emulator's org: a loopback URL on its port (127.0.0.1 and localhost are one org). */
function isThisOrg(resource: string, orgUrl: string): boolean {
  try {
    const [r, own] = [new URL(resource), new URL(orgUrl)];
    return r.port === own.port && ['127.0.0.1', 'localhost', '[::1]'].includes(r.hostname);
  } catch {
    return false;
  }
}

/** The org URL this emulator answers as: what the client reached it by (127.0.0.1 or localhost alike). */
const orgUrlOf = (req: EmulatorRequest): string => `http://${req.headers.host ?? '127.0.0.1'}`;
const tenantOf = (req: EmulatorRequest): string => decodeURIComponent(req.path.split('/')[1] ?? '');
