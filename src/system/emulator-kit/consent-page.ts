/**
 * The vendor's consent page, as the emulators serve it at the vendor's authorize path: no
 * login (the sandbox org has one user), one **Allow** and one **Deny** button. A GET shows the
 * page; the buttons POST back here and are answered with the redirect the vendor would send:
 * `code` and `state`, or `error=access_denied`. A bad client_id or redirect_uri is shown on the
 * page, never redirected to (RFC 6749 §4.1.2.1); other bad parameters go back as `error`.
 */
import { empty, type EmulatorRequest, type EmulatorResponse } from './http';
import type { EmulatorContext } from './server';

export interface ConsentPageFacts {
  /** The vendor's name as the page shows it. */
  vendor: string;
  /** The sandbox app's client id, the only one registered. */
  clientId: string;
  /**
   * Salesforce documents no code_challenge_method and hashes the challenge (jsforce sends none):
   * the method assumed when none is sent. Without it, S256 must be named (Entra ID would take a
   * missing method as `plain`, which the sandbox app does not allow).
   */
  impliedChallengeMethod?: 'S256';
}

const PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method'] as const;
type Params = Record<(typeof PARAMS)[number], string>;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const html = (status: number, title: string, body: string): EmulatorResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}</style></head><body>${body}</body></html>`,
});

/**
 * The sandbox app's registered callback: any Junction's `/oauth/callback`, over https, or http
 * to loopback only (HubSpot's and Entra ID's rule for local development).
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'redirect_uri is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))) return 'redirect_uri must be https (http only for localhost)';
  if (url.pathname !== '/oauth/callback') return 'redirect_uri is not a callback registered for this app (…/oauth/callback)';
  return undefined;
}

function redirect(to: string, params: Record<string, string>): EmulatorResponse {
  const url = new URL(to);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return empty(302, { location: url.toString(), 'cache-control': 'no-store' });
}

export function consentPage(req: EmulatorRequest, ctx: EmulatorContext, facts: ConsentPageFacts): EmulatorResponse {
  if (req.method !== 'GET' && req.method !== 'POST') return html(405, 'Method not allowed', '<p>Method not allowed.</p>');
  const source = req.method === 'POST' ? new URLSearchParams(req.text()) : req.query;
  const p = Object.fromEntries(PARAMS.map((name) => [name, source.get(name) ?? ''])) as Params;
  if (p.client_id !== facts.clientId) return html(400, 'Error', `<h1>${escape(facts.vendor)}</h1><p id="error">invalid_client_id: client identifier invalid</p>`);
  const uriProblem = redirectUriProblem(p.redirect_uri);
  if (uriProblem) return html(400, 'Error', `<h1>${escape(facts.vendor)}</h1><p id="error">redirect_uri_mismatch: ${escape(uriProblem)}</p>`);
  if (p.response_type !== 'code') return redirect(p.redirect_uri, { error: 'unsupported_response_type', error_description: 'response_type must be code', state: p.state });
  const method = p.code_challenge_method || facts.impliedChallengeMethod;
  if (!p.code_challenge || method !== 'S256')
    return redirect(p.redirect_uri, { error: 'invalid_request', error_description: 'PKCE is required: code_challenge with code_challenge_method=S256', state: p.state });
  if (req.method === 'POST') {
    if (source.get('decision') !== 'allow') return redirect(p.redirect_uri, { error: 'access_denied', error_description: 'end-user denied authorization', state: p.state });
    const code = ctx.codes.issue({ clientId: p.client_id, redirectUri: p.redirect_uri, codeChallenge: p.code_challenge, scope: p.scope }, ctx.clock.now());
    return redirect(p.redirect_uri, { code, state: p.state });
  }
  const hidden = PARAMS.map((name) => `<input type="hidden" name="${name}" value="${escape(p[name])}">`).join('');
  const scopes = p.scope.split(' ').filter(Boolean).map((s) => `<li>${escape(s)}</li>`).join('');
  return html(
    200,
    `${facts.vendor}: allow access?`,
    `<h1>${escape(facts.vendor)}</h1><p>The app <strong>${escape(p.client_id)}</strong> asks to access your ${escape(facts.vendor)} data as the sandbox user.</p>` +
      (scopes ? `<p>It asks for:</p><ul id="scopes">${scopes}</ul>` : '') +
      `<form method="post">${hidden}<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}
