/**
 * Every way each vendor authenticates, on the wire (issue 16 items 2 and 3): the emulators serve
 * Salesforce's JWT bearer grant and token introspection, HubSpot's private-app token and v1
 * token information, and Entra ID's authority paths with their scope check — proven with the
 * vendors' SDKs — and Junction's adapters connect by each, refusals typed, naming the fix and
 * quoting no secret.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { Client as HubSpotClient } from '@hubspot/api-client';
import { DynamicsWebApi } from 'dynamics-web-api';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemError, type RunningEmulator } from '../../../src/system';
import { admin, crmAdapter, SANDBOX, startCrmEmulator } from '../../support/emulators';
import { SANDBOX as DYNAMICS_SANDBOX } from '../../support/crms/dynamics';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const USERNAME = 'integration@junction.sandbox';
const PRIVATE_APP_TOKEN = 'pat-na1-junction-sandbox';
const keypair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey, publicKey } = keypair();
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const OTHER_PEM = keypair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const keyLine = (pem: string) => pem.split('\n')[2]!;

/** An assertion signed by hand, so each claim can be wrong on purpose. */
function assertion(claims: Record<string, unknown>, pem = PEM): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${part({ alg: 'RS256' })}.${part(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(pem).toString('base64url')}`;
}

const form = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

/** What Junction posted to token endpoints while `run` ran (the emulators keep no log of OAuth paths). */
async function tokenPosts(run: () => Promise<unknown>): Promise<Array<{ url: string; form: URLSearchParams }>> {
  const posts: Array<{ url: string; form: URLSearchParams }> = [];
  const real = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (/oauth2?\//.test(url) && typeof init?.body === 'string') posts.push({ url, form: new URLSearchParams(init.body) });
    return real(input, init);
  };
  try {
    await run();
  } finally {
    globalThis.fetch = real;
  }
  return posts;
}

async function refusalOf(run: () => Promise<unknown>): Promise<SystemError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(SystemError);
    return err as SystemError;
  }
  throw new Error('it was accepted');
}

describe('Salesforce: JWT bearer and introspection', () => {
  let emu: RunningEmulator;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({ iss: SANDBOX.clientId, sub: USERNAME, aud: emu.url, exp: now() + 120 });

  beforeAll(async () => {
    emu = await startCrmEmulator('SALESFORCE', 3);
    await admin(emu, 'POST', 'settings', { jwtPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  });
  afterAll(() => emu?.close());

  it('jsforce signs in with a JWT assertion the emulator verifies, and queries', async () => {
    const conn = new jsforce.Connection({ loginUrl: emu.url, version: '59.0' });
    const user = await conn.authorize({ grant_type: JWT_GRANT, assertion: assertion(claims()) });
    expect(user.organizationId).toMatch(/^00D/);
    expect((await conn.query<{ Id: string }>('SELECT Id FROM Contact')).totalSize).toBeGreaterThan(0);
  });

  it.each<[string, () => Record<string, unknown>, string | undefined, string, string]>([
    ['another key', () => claims(), OTHER_PEM, 'invalid_grant', 'invalid assertion'],
    ['another audience', () => ({ ...claims(), aud: 'https://evil.example.com' }), undefined, 'invalid_grant', 'Audience validation failed'],
    ['an exp in the past', () => ({ ...claims(), exp: now() - 5 }), undefined, 'invalid_grant', 'expired authorization code'],
    ['an exp more than 3 minutes ahead', () => ({ ...claims(), exp: now() + 600 }), undefined, 'invalid_grant', 'expired authorization code'],
    ['a user not pre-authorized', () => ({ ...claims(), sub: 'someone@else.example' }), undefined, 'invalid_grant', "user hasn't approved this consumer"],
    ['another consumer key', () => ({ ...claims(), iss: 'other-app' }), undefined, 'invalid_client_id', 'client identifier invalid'],
  ])('refuses an assertion with %s in the vendor words', async (_name, make, pem, error, description) => {
    const res = await form(`${emu.url}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion: assertion(make(), pem) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error, error_description: description });
  });

  it("Junction's adapter connects by JWT bearer: no secret sent, no refresh token, the session's expiry from introspection", async () => {
    const { adapter, tokens } = crmAdapter('SALESFORCE', emu, { clientId: SANDBOX.clientId, username: USERNAME, privateKeyPem: PEM, clientSecret: SANDBOX.clientSecret });
    const posts = await tokenPosts(async () => expect((await adapter.testConnection()).ok).toBe(true));
    const grant = posts.find((p) => p.url.endsWith('/services/oauth2/token'))!.form;
    expect(grant.get('grant_type')).toBe(JWT_GRANT);
    expect([...grant.keys()].sort()).toEqual(['assertion', 'grant_type']);
    const sent = JSON.parse(Buffer.from(grant.get('assertion')!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(sent).toMatchObject({ iss: SANDBOX.clientId, sub: USERNAME, aud: emu.url });
    expect(sent.exp as number).toBeLessThanOrEqual(now() + 180);
    // The session's expiry is the emulator's, to the second: 2 h after issue.
    const lifetime = Date.parse(tokens[0]!.expiresAt!) - Date.now();
    expect(lifetime).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(2 * 3_600_000);
    expect(tokens[0]!.refreshTokenExpiresAt).toBeUndefined();
    await adapter.close();
  });

  it('refuses a key the connected app does not hold with a typed error naming the fix, quoting neither key nor assertion', async () => {
    const { adapter } = crmAdapter('SALESFORCE', emu, { clientId: SANDBOX.clientId, username: USERNAME, privateKeyPem: OTHER_PEM });
    const err = await refusalOf(() => adapter.refreshToken());
    expect(err.errorClass).toBe('AUTHENTICATION');
    expect(err.code).toBe('invalid_grant');
    expect(err.message).toMatch(/invalid assertion.*certificate uploaded to the connected app matches privateKeyPem/);
    expect(err.message).not.toContain(keyLine(OTHER_PEM));
    expect(err.message).not.toMatch(/eyJ/);
    await adapter.close();
  });

  it('introspects access and refresh tokens (active, exp, iat in seconds); unknown ones are inactive, other apps refused', async () => {
    const refreshExpiry = new Date(Date.now() + 5 * 86_400_000);
    await admin(emu, 'POST', 'settings', { refreshTokenExpiresAt: refreshExpiry.toISOString() });
    const token = (await (await form(`${emu.url}/services/oauth2/token`, { grant_type: 'refresh_token', client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret, refresh_token: SANDBOX.refreshToken })).json()) as { access_token: string };
    const ask = (fields: Record<string, string>) => form(`${emu.url}/services/oauth2/introspect`, { client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret, ...fields });
    const access = (await (await ask({ token: token.access_token, token_type_hint: 'access_token' })).json()) as Record<string, unknown>;
    expect(access).toMatchObject({ active: true, token_type: 'access_token', client_id: SANDBOX.clientId, username: USERNAME });
    expect((access.exp as number) - (access.iat as number)).toBe(7200);
    const refresh = (await (await ask({ token: SANDBOX.refreshToken, token_type_hint: 'refresh_token' })).json()) as Record<string, unknown>;
    expect(refresh).toMatchObject({ active: true, token_type: 'refresh_token', exp: Math.floor(refreshExpiry.getTime() / 1000) });
    expect(await (await ask({ token: 'unknown' })).json()).toEqual({ active: false });
    expect((await ask({ token: token.access_token, client_secret: 'wrong' })).status).toBe(401);

    // Junction's adapter reads both expiries from there.
    const { adapter, tokens } = crmAdapter('SALESFORCE', emu, SANDBOX);
    await adapter.refreshToken();
    expect(tokens[0]!.refreshTokenExpiresAt).toBe(new Date(Math.floor(refreshExpiry.getTime() / 1000) * 1000).toISOString());
    await adapter.close();

    // Past the policy's date the refresh token is refused and introspects inactive.
    await admin(emu, 'POST', 'settings', { refreshTokenExpiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await (await ask({ token: SANDBOX.refreshToken })).json()).toEqual({ active: false });
    const expired = crmAdapter('SALESFORCE', emu, SANDBOX).adapter;
    expect((await refusalOf(() => expired.refreshToken())).code).toBe('invalid_grant');
    await expired.close();
    await admin(emu, 'POST', 'settings', { refreshTokenExpiresAt: null });
  });
});

describe('HubSpot: private-app token and token information', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startCrmEmulator('HUBSPOT', 3);
  });
  afterAll(() => emu?.close());

  it('the SDK calls the CRM with the sandbox private-app token, which expiring every OAuth token leaves alone', async () => {
    const client = new HubSpotClient({ accessToken: PRIVATE_APP_TOKEN, basePath: emu.url, numberOfApiCallRetries: 0 });
    await admin(emu, 'POST', 'faults', { expireTokens: true });
    expect((await client.crm.contacts.basicApi.getPage(10)).results.length).toBeGreaterThan(0);
    const other = new HubSpotClient({ accessToken: 'pat-na1-not-this-one', basePath: emu.url, numberOfApiCallRetries: 0 });
    await expect(other.crm.contacts.basicApi.getPage(10)).rejects.toMatchObject({ code: 401 });
  });

  it('the SDK reads refresh-token and access-token information (no expiry for refresh tokens)', async () => {
    const client = new HubSpotClient({ basePath: emu.url, numberOfApiCallRetries: 0 });
    const refresh = await client.oauth.refreshTokensApi.get(SANDBOX.refreshToken);
    expect(refresh).toMatchObject({ token: SANDBOX.refreshToken, clientId: SANDBOX.clientId, hubId: expect.any(Number) });
    expect(JSON.stringify(refresh)).not.toMatch(/expire/i);
    const token = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
    const access = await client.oauth.accessTokensApi.get(token.accessToken);
    expect(access.expiresIn).toBeGreaterThan(0);
    expect(access.expiresIn).toBeLessThanOrEqual(token.expiresIn);
    await expect(client.oauth.refreshTokensApi.get('not-a-refresh-token')).rejects.toMatchObject({ code: 400 });
  });

  it("Junction's adapter connects with the private-app token: never refreshed, no expiry", async () => {
    const { adapter, tokens } = crmAdapter('HUBSPOT', emu, { accessToken: PRIVATE_APP_TOKEN });
    const posts = await tokenPosts(async () => expect((await adapter.testConnection()).ok).toBe(true));
    expect(tokens).toEqual([{ accessToken: PRIVATE_APP_TOKEN }]);
    expect(posts).toEqual([]);
    await adapter.close();
  });
});

describe('HubSpot: a private-app token the portal does not know', () => {
  it('is refused AUTHENTICATION after one replay, quoting no token', async () => {
    const emu = await startCrmEmulator('HUBSPOT', 1);
    const wrong = 'pat-na1-00000000-dead-beef-0000-000000000000';
    const { adapter } = crmAdapter('HUBSPOT', emu, { accessToken: wrong });
    const result = await adapter.testConnection();
    expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
    expect(result.message).not.toContain(wrong);
    await adapter.close();
    await emu.close();
  });
});

describe('Dynamics: client credentials against the Entra ID authority', () => {
  let org: RunningEmulator;
  let otherOrg: RunningEmulator;
  beforeAll(async () => {
    [org, otherOrg] = await Promise.all([startCrmEmulator('DYNAMICS', 3), startCrmEmulator('DYNAMICS')]);
  });
  afterAll(async () => {
    await org?.close();
    await otherOrg?.close();
  });

  const token = (scope: string, tenant = DYNAMICS_SANDBOX.tenantId) =>
    form(`${org.url}/${tenant}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: DYNAMICS_SANDBOX.clientId, client_secret: DYNAMICS_SANDBOX.clientSecret, scope });

  it("dynamics-web-api reads with a token the authority issued for the org's /.default", async () => {
    const answer = (await (await token(`${org.url.replace('127.0.0.1', 'localhost')}/.default`)).json()) as { access_token: string; expires_in: number; ext_expires_in: number; token_type: string };
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const sdk = new DynamicsWebApi({ serverUrl: org.url, dataApi: { version: '9.2' }, onTokenRefresh: async () => answer.access_token });
    expect((await sdk.retrieveMultiple({ collection: 'contacts', select: ['contactid'] })).value.length).toBeGreaterThan(0);
  });

  it.each<[string, string, string, number]>([
    ['no /.default scope', 'openid', 'invalid_scope', 1002012],
    ["another org's /.default", 'https://contoso.crm.dynamics.com/.default', 'invalid_resource', 500011],
  ])('refuses %s with an AADSTS body', async (_name, scope, error, code) => {
    const res = await token(scope);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string; error_codes: number[]; trace_id: string; correlation_id: string };
    expect(body).toMatchObject({ error, error_codes: [code], trace_id: expect.any(String), correlation_id: expect.any(String) });
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it("Junction's adapter takes its token from authorityUrl, not the org URL", async () => {
    const { adapter, tokens } = crmAdapter('DYNAMICS', org.url.replace('127.0.0.1', 'localhost'), { ...DYNAMICS_SANDBOX, authorityUrl: org.url });
    const posts = await tokenPosts(async () => expect((await adapter.testConnection()).ok).toBe(true));
    expect(posts.map((p) => p.url)).toEqual([`${org.url}/${DYNAMICS_SANDBOX.tenantId}/oauth2/v2.0/token`]);
    const grant = posts[0]!.form;
    expect(grant.get('grant_type')).toBe('client_credentials');
    expect(grant.get('scope')).toBe(`${org.url.replace('127.0.0.1', 'localhost')}/.default`);
    const lifetime = Date.parse(tokens[0]!.expiresAt!) - Date.now();
    expect(lifetime).toBeGreaterThan(3_500_000);
    expect(lifetime).toBeLessThanOrEqual(3_599_000);
    await adapter.close();
  });

  it("an authority that refuses the org's scope is a typed error naming the fix, quoting no secret", async () => {
    // The org is another emulator: this authority knows no such resource in its tenant.
    const { adapter } = crmAdapter('DYNAMICS', otherOrg, { ...DYNAMICS_SANDBOX, authorityUrl: org.url });
    const err = await refusalOf(() => adapter.refreshToken());
    expect(err.errorClass).toBe('AUTHENTICATION');
    expect(err.code).toBe('invalid_resource');
    expect(err.message).toMatch(/AADSTS500011.*check baseUrl is the org URL and tenantId its Entra tenant/);
    expect(err.message).not.toContain(DYNAMICS_SANDBOX.clientSecret);
    await adapter.close();
  });
});
