/**
 * The OAuth authorization-code grant with PKCE, as each CRM speaks it (crm-wire §6.1 item 1,
 * §6.2 item 8, §6.3 item 16): where a person is sent to consent, and how the code that comes
 * back is exchanged for a refresh token. What differs per CRM (paths, scopes, the Entra ID
 * authority) is its own `consent.ts`; what they share (the exchange, its refusals) is here.
 */
import { SystemError } from '../errors';
import type { HostPolicy } from '../transport/host-policy';
import { postTokenForm, scrubTokenMessage } from '../transport/token-request';

/** Where the person consents: one connection-to-be's facts, the PKCE challenge and the state. */
export interface ConsentRequest {
  /** The CRM URL the person gave: Salesforce's login URL, HubSpot's API host, the Dataverse org URL. */
  baseUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  /** base64url(SHA-256(verifier)), sent with `code_challenge_method=S256`. */
  codeChallenge: string;
  /** Scopes asked for instead of the CRM's defaults. */
  scopes?: readonly string[];
  /** Dynamics: the Entra ID tenant (default `organizations`) and authority (default login.microsoftonline.com). */
  tenantId?: string;
  authorityUrl?: string;
}

/** The code the CRM sent back, with what proves this Junction asked for it. */
export interface CodeExchange extends Omit<ConsentRequest, 'state' | 'codeChallenge'> {
  clientSecret: string;
  code: string;
  codeVerifier: string;
  /** The CRM kind's host policy: the token endpoint must pass it. */
  hostPolicy: HostPolicy;
  timeoutMs?: number;
}

/** What a consent is stored as: the refresh token (the access token is fetched again when needed). */
export interface ConsentedTokens {
  refreshToken: string;
  accessToken: string;
}

export interface ConsentProtocol {
  /** Why these facts cannot start a consent (undefined when they can); `field` names the input. */
  problem?(request: Pick<ConsentRequest, 'authorityUrl'>, hostPolicy: HostPolicy): { field: string; message: string } | undefined;
  authorizeUrl(request: ConsentRequest): string;
  exchange(request: CodeExchange): Promise<ConsentedTokens>;
}

/** The PKCE and state parameters every vendor's authorize URL carries. */
export function authorizeUrl(endpoint: string, request: ConsentRequest, scopes: readonly string[], extra: Record<string, string> = {}): string {
  const url = new URL(endpoint);
  const params = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: scopes.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * POSTs the authorization-code grant and reads the tokens. A refusal is a SystemError naming
 * the vendor's `error` and description (never the code, verifier or secret); an answer without
 * a refresh token is refused too, since Junction could not keep the connection alive.
 */
export async function exchangeCode(tokenUrl: string, request: CodeExchange, extraForm: Record<string, string> = {}): Promise<ConsentedTokens> {
  const form = {
    grant_type: 'authorization_code',
    code: request.code,
    client_id: request.clientId,
    client_secret: request.clientSecret,
    redirect_uri: request.redirectUri,
    code_verifier: request.codeVerifier,
    ...extraForm,
  };
  const endpoint = `POST ${new URL(tokenUrl).pathname}`;
  const { ok, status, body } = await postTokenForm({ url: tokenUrl, form, endpoint, hostPolicy: request.hostPolicy, timeoutMs: request.timeoutMs });
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!ok) {
    const error = typeof answer.error === 'string' ? answer.error : typeof answer.status === 'string' ? answer.status : `HTTP ${status}`;
    const said = [answer.error_description, answer.message].find((v): v is string => typeof v === 'string') ?? '';
    const description = scrubTokenMessage(said.split(/\r?\n/)[0] ?? '', form);
    throw new SystemError('AUTHENTICATION', 'CODE_REFUSED', `${endpoint} refused the code: ${error}${description ? ` (${description})` : ''}`, { status, endpoint });
  }
  if (typeof answer.access_token !== 'string') throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `${endpoint}: the answer holds no access_token`, { status, endpoint });
  if (typeof answer.refresh_token !== 'string')
    throw new SystemError('AUTHENTICATION', 'NO_REFRESH_TOKEN', `${endpoint} granted no refresh token: ask for the offline scope (Salesforce refresh_token, Dynamics offline_access)`, { status, endpoint });
  return { refreshToken: answer.refresh_token, accessToken: answer.access_token };
}
