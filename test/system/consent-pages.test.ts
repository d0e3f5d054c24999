/**
 * The emulators' consent pages and authorization-code grants (issue 16 item 5): the page
 * checks client_id, redirect_uri, response_type and PKCE S256; Allow and Deny redirect as the
 * vendor would; the token route takes the code once, within its life, only with the verifier
 * whose S256 hash was the challenge, and answers in the vendor's shape with a refresh token.
 * jsforce's own web server flow (its PKCE, no code_challenge_method) is the Salesforce witness.
 */
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmKind, RunningEmulator } from '../../src/system';
import { pkcePair, pressOnConsentPage } from '../support/consent';
import { startCrmEmulator } from '../support/emulators';

const CLIENT = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret' };
const CALLBACK = 'http://localhost:4000/oauth/callback';
const TENANT = 'contoso.onmicrosoft.com';
const KINDS: CrmKind[] = ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'];
const emulators = new Map<CrmKind, RunningEmulator>();

beforeAll(async () => {
  for (const kind of KINDS) emulators.set(kind, await startCrmEmulator(kind));
});
afterAll(async () => {
  await Promise.all([...emulators.values()].map((e) => e.close()));
});

const paths: Record<string, { authorize: string; token: string }> = {
  SALESFORCE: { authorize: '/services/oauth2/authorize', token: '/services/oauth2/token' },
  HUBSPOT: { authorize: '/oauth/authorize', token: '/oauth/v1/token' },
  DYNAMICS: { authorize: `/${TENANT}/oauth2/v2.0/authorize`, token: `/${TENANT}/oauth2/v2.0/token` },
};

function authorizeUrl(kind: CrmKind, challenge: string, overrides: Record<string, string> = {}): string {
  const url = new URL(emulators.get(kind)!.url + paths[kind]!.authorize);
  const params = { response_type: 'code', client_id: CLIENT.clientId, redirect_uri: CALLBACK, scope: 'api refresh_token', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256', ...overrides };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

async function redeem(kind: CrmKind, code: string, verifier: string | undefined, overrides: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uri: CALLBACK, ...(verifier ? { code_verifier: verifier } : {}), ...overrides };
  if (kind === 'DYNAMICS') form.scope = `${emulators.get(kind)!.url}/.default offline_access`;
  const res = await fetch(emulators.get(kind)!.url + paths[kind]!.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function codeFor(kind: CrmKind, challenge: string): Promise<string> {
  const back = await pressOnConsentPage(authorizeUrl(kind, challenge), 'allow');
  expect(back.origin + back.pathname).toBe(CALLBACK);
  expect(back.searchParams.get('state')).toBe('st-1');
  return back.searchParams.get('code')!;
}

/** What each vendor calls a refused verifier (crm-wire §6.1 item 1, §6.2 item 8, §6.3 item 16). */
const refusedVerifier = (kind: CrmKind, body: Record<string, unknown>) =>
  kind === 'SALESFORCE' ? body.error === 'invalid_request' : kind === 'HUBSPOT' ? body.status === 'BAD_AUTH_CODE' : body.error === 'invalid_grant' && (body.error_codes as number[]).includes(501481);

describe.each(KINDS)('%s consent page', (kind) => {
  it('shows Allow and Deny; Deny goes back with error=access_denied and the state', async () => {
    const back = await pressOnConsentPage(authorizeUrl(kind, pkcePair().challenge), 'deny');
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses an unknown client or an unregistered redirect_uri on the page, never redirecting there', async () => {
    const { challenge } = pkcePair();
    const bads: Array<Record<string, string>> = [{ client_id: 'someone-else' }, { redirect_uri: 'https://evil.example.com/steal' }, { redirect_uri: 'http://10.0.0.5/oauth/callback' }];
    for (const bad of bads) {
      const res = await fetch(authorizeUrl(kind, challenge, bad), { redirect: 'manual' });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('sends back an error for response_type other than code, and for PKCE other than S256', async () => {
    const { challenge } = pkcePair();
    for (const [bad, error] of [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: '' }, 'invalid_request'],
    ] as const) {
      const res = await fetch(authorizeUrl(kind, challenge, bad), { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(new URL(res.headers.get('location')!).searchParams.get('error'), JSON.stringify(bad)).toBe(error);
    }
  });

  it('takes the code once, with the right verifier only, and answers with a refresh token', async () => {
    const pair = pkcePair();
    const wrongFirst = await codeFor(kind, pair.challenge);
    const wrong = await redeem(kind, wrongFirst, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(refusedVerifier(kind, wrong.body), JSON.stringify(wrong.body)).toBe(true);
    // A refused attempt used the code up: the right verifier comes too late.
    expect((await redeem(kind, wrongFirst, pair.verifier)).status).toBe(400);
    expect((await redeem(kind, await codeFor(kind, pair.challenge), undefined)).status).toBe(400);
    expect((await redeem(kind, await codeFor(kind, pair.challenge), pair.verifier, { redirect_uri: 'http://localhost:9/oauth/callback' })).status).toBe(400);

    const code = await codeFor(kind, pair.challenge);
    const good = await redeem(kind, code, pair.verifier);
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
    if (kind === 'SALESFORCE') expect(good.body).toMatchObject({ instance_url: expect.any(String), id: expect.stringMatching(/\/id\/\w+\/\w+$/), token_type: 'Bearer', issued_at: expect.any(String) });
    if (kind === 'HUBSPOT') expect(good.body).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number), hub_id: expect.any(Number), scopes: ['api', 'refresh_token'] });
    if (kind === 'DYNAMICS') expect(good.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), ext_expires_in: expect.any(Number) });
    // Single use: the same code again is refused.
    expect((await redeem(kind, code, pair.verifier)).status).toBe(400);
  });
});

describe('Salesforce, through jsforce', () => {
  it("completes jsforce's web server flow with its own PKCE verifier, and the session reads the org", async () => {
    const url = emulators.get('SALESFORCE')!.url;
    const oauth2 = new jsforce.OAuth2({ loginUrl: url, ...CLIENT, redirectUri: CALLBACK, useVerifier: true });
    const back = await pressOnConsentPage(oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'jsforce-state' }), 'allow');
    expect(back.searchParams.get('state')).toBe('jsforce-state');
    const conn = new jsforce.Connection({ oauth2, version: '59.0' });
    const userInfo = await conn.authorize(back.searchParams.get('code')!);
    expect(userInfo.organizationId).toMatch(/^00D/);
    expect(conn.refreshToken).toBeTruthy();
    expect((await conn.query('SELECT Id FROM Account')).done).toBe(true);
  });
});
