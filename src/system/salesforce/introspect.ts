/**
 * Salesforce token introspection (crm-wire.md §6.1 item 1): `POST /services/oauth2/introspect`
 * with the token, a `token_type_hint` and the connected app's id and secret, answering
 * `{active, exp, iat, …}` in epoch seconds. Token answers carry no `expires_in`, so this is
 * where Junction learns how long a session lives and when a refresh token stops working.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oidc_token_introspection_endpoint.htm
 */
import { z } from 'zod';
import type { HostPolicy } from '../transport/host-policy';
import { postTokenForm } from '../transport/token-request';

const Introspection = z.object({ active: z.boolean(), exp: z.number().optional(), iat: z.number().optional() });
export type TokenIntrospection = z.infer<typeof Introspection>;

export interface IntrospectRequest {
  url: string;
  token: string;
  hint: 'access_token' | 'refresh_token';
  clientId: string;
  clientSecret: string;
  hostPolicy: HostPolicy;
  timeoutMs?: number;
}

/** The answer, or undefined when the endpoint refused or answered something else (an org without it, an app that may not introspect). */
export async function introspectToken(r: IntrospectRequest): Promise<TokenIntrospection | undefined> {
  const form = { token: r.token, token_type_hint: r.hint, client_id: r.clientId, client_secret: r.clientSecret };
  const { ok, body } = await postTokenForm({ url: r.url, form, endpoint: 'POST /services/oauth2/introspect', hostPolicy: r.hostPolicy, timeoutMs: r.timeoutMs });
  const parsed = ok ? Introspection.safeParse(body) : undefined;
  return parsed?.success ? parsed.data : undefined;
}
