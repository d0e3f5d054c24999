/**
 * Connecting a CRM by consent at the API level (issue 16 item 1), against the three emulators:
 * startConnect's answer and checks, the whole round trip over HTTP (consent page, callback,
 * a connection whose sealed credentials hold the refresh token), and what must create nothing:
 * a used state, an expired one, one whose starting key was revoked, a refusal at the CRM.
 * The emulators' side of PKCE (a wrong verifier refused) is in test/system/consent-pages.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmKind, RunningEmulator } from '../../src/system';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CONSENT_LIFETIME_MS, ConsentService } from '../../src/process/connections/consent.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { ConnectionEntity } from '../../src/process/store/entities';
import { followCallback, pressOnConsentPage } from '../support/consent';
import { useDatabase } from '../support/database';
import { startCrmEmulator } from '../support/emulators';
import { codes, gql, startHarness, type Harness } from '../support/harness';

const START = `mutation ($input: StartConnectInput!) { startConnect(input: $input) { authorizeUrl state expiresAt } }`;
const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret' };
const KINDS: CrmKind[] = ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'];

const db = useDatabase();
const cipher = new CredentialsCipher(generateMasterKey());
const emulators = new Map<CrmKind, RunningEmulator>();
let api: Harness;
let connections: ConnectionService;
let admin: string;
/** The consent service's clock: tests move it past a state's life. */
let clockShift = 0;

beforeAll(async () => {
  for (const kind of KINDS) emulators.set(kind, await startCrmEmulator(kind));
  connections = new ConnectionService(db.dataSource, cipher);
  let publicUrl = '';
  const consent = new ConsentService(db.dataSource, cipher, connections, { publicUrl: () => publicUrl, now: () => Date.now() + clockShift });
  api = await startHarness(db, { connections, consent });
  publicUrl = api.url;
  admin = await api.keyFor('ADMIN');
}, 60_000);

afterAll(async () => {
  await api?.close();
  await Promise.all([...emulators.values()].map((e) => e.close()));
});

let named = 0;
function inputFor(kind: CrmKind, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const url = emulators.get(kind)!.url;
  named++;
  return { kind, name: `${kind} by consent ${named}`, baseUrl: url, ...SANDBOX, ...(kind === 'DYNAMICS' ? { tenantId: 'contoso.onmicrosoft.com', authorityUrl: url } : {}), ...extra };
}

async function start(input: Record<string, unknown>, key = admin): Promise<{ authorizeUrl: string; state: string; expiresAt: string }> {
  const r = await gql<{ startConnect: { authorizeUrl: string; state: string; expiresAt: string } }>(api.url, START, { input }, key);
  expect(r.body.errors).toBeUndefined();
  return r.body.data!.startConnect;
}

const liveNamed = (name: string) => db.dataSource.getRepository(ConnectionEntity).findBy({ name });

describe('startConnect', () => {
  it.each(KINDS)('answers the %s consent URL with PKCE S256, the state and a 10-minute expiry', async (kind) => {
    const before = Date.now();
    const started = await start(inputFor(kind));
    const url = new URL(started.authorizeUrl);
    const path = { SALESFORCE: '/services/oauth2/authorize', HUBSPOT: '/oauth/authorize', DYNAMICS: '/contoso.onmicrosoft.com/oauth2/v2.0/authorize' }[kind as string];
    expect(url.origin + url.pathname).toBe(emulators.get(kind)!.url + path);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(SANDBOX.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(`${api.url}/oauth/callback`);
    expect(url.searchParams.get('state')).toBe(started.state);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.authorizeUrl).not.toContain(SANDBOX.clientSecret);
    const expires = new Date(started.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + CONSENT_LIFETIME_MS - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + CONSENT_LIFETIME_MS + 1000);
  });

  it('is for ADMIN keys only, and refuses bad input naming the field', async () => {
    const operator = await api.keyFor('OPERATOR');
    expect(codes(await gql(api.url, START, { input: inputFor('SALESFORCE') }, operator))).toEqual(['FORBIDDEN']);
    const wrong = await gql(api.url, START, { input: inputFor('SALESFORCE', { authorityUrl: 'https://login.microsoftonline.com' }) }, admin);
    expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
    expect(wrong.body.errors![0]!.message).toContain('authorityUrl');
    const foreign = await gql(api.url, START, { input: inputFor('DYNAMICS', { authorityUrl: 'https://evil.example.com' }) }, admin);
    expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(api.url, START, { input: inputFor('HUBSPOT', { baseUrl: 'https://api.evil.example.com' }) }, admin))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(api.url, START, { input: inputFor('HUBSPOT', { scopes: ['two words'] }) }, admin))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the callback', () => {
  it.each(KINDS)('creates the %s connection after Allow, its credentials sealed with the refresh token', async (kind) => {
    const input = inputFor(kind);
    const started = await start(input);
    const callback = await pressOnConsentPage(started.authorizeUrl, 'allow');
    expect(callback.origin + callback.pathname).toBe(`${api.url}/oauth/callback`);
    expect(callback.searchParams.get('state')).toBe(started.state);
    const landed = await followCallback(callback);
    const id = landed.get('connected');
    expect(id, landed.toString()).toMatch(/^[0-9a-f-]{36}$/);
    const [made] = await liveNamed(input.name as string);
    expect(made!.id).toBe(id);
    expect(made!.kind).toBe(kind);
    expect(made!.credentialsSealed).not.toContain(SANDBOX.clientSecret);
    const credentials = cipher.decrypt<Record<string, string>>(made!.credentialsSealed);
    expect(credentials).toMatchObject({ clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, refreshToken: 'sandbox-refresh-token' });
    // The stored refresh token works: the connection's first call to the CRM passes.
    expect((await connections.test(id!)).ok).toBe(true);
  });

  it('refuses a state used once already: nothing more is created', async () => {
    const input = inputFor('SALESFORCE');
    const callback = await pressOnConsentPage((await start(input)).authorizeUrl, 'allow');
    expect((await followCallback(callback)).get('connected')).toBeTruthy();
    const again = await followCallback(callback);
    expect(again.get('connect-failed')).toBe('UNKNOWN_STATE');
    expect(await liveNamed(input.name as string)).toHaveLength(1);
  });

  it('refuses an expired state (the clock moved past its 10 minutes): nothing is created', async () => {
    const input = inputFor('HUBSPOT');
    const callback = await pressOnConsentPage((await start(input)).authorizeUrl, 'allow');
    clockShift = CONSENT_LIFETIME_MS + 1000;
    try {
      const landed = await followCallback(callback);
      expect(landed.get('connect-failed')).toBe('EXPIRED');
      expect(landed.get('name')).toBe(input.name);
    } finally {
      clockShift = 0;
    }
    expect(await liveNamed(input.name as string)).toHaveLength(0);
  });

  it('binds the state to the key that started it: revoked meanwhile, nothing is created', async () => {
    const starter = await api.apiKeys.create('consent starter', 'ADMIN');
    const input = inputFor('DYNAMICS');
    const callback = await pressOnConsentPage((await start(input, starter.key)).authorizeUrl, 'allow');
    await api.apiKeys.revoke(starter.apiKey.id);
    expect((await followCallback(callback)).get('connect-failed')).toBe('KEY_REVOKED');
    expect(await liveNamed(input.name as string)).toHaveLength(0);
  });

  it.each(KINDS)('lands on a page saying %s access was denied, and creates nothing', async (kind) => {
    const input = inputFor(kind);
    const callback = await pressOnConsentPage((await start(input)).authorizeUrl, 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const landed = await followCallback(callback);
    expect(landed.get('connect-failed')).toBe('DENIED');
    expect(landed.get('message')).toContain('denied');
    expect(await liveNamed(input.name as string)).toHaveLength(0);
  });

  it('refuses a callback without a known state, and one whose code the CRM does not know', async () => {
    expect((await followCallback(`${api.url}/oauth/callback?code=x`)).get('connect-failed')).toBe('UNKNOWN_STATE');
    const input = inputFor('SALESFORCE');
    const callback = await pressOnConsentPage((await start(input)).authorizeUrl, 'allow');
    callback.searchParams.set('code', 'not-a-code-the-crm-issued');
    const landed = await followCallback(callback);
    expect(landed.get('connect-failed')).toBe('CODE_REFUSED');
    expect(landed.get('message')).toContain('invalid_grant');
    expect(landed.get('message')).not.toContain('not-a-code-the-crm-issued');
    expect(await liveNamed(input.name as string)).toHaveLength(0);
  });

  it('says what the CRM answered when it sends an error instead of a code, and creates nothing', async () => {
    const input = inputFor('DYNAMICS');
    const { state } = await start(input);
    const landed = await followCallback(`${api.url}/oauth/callback?${new URLSearchParams({ state, error: 'temporarily_unavailable', error_description: 'AADSTS90033: try later' })}`);
    expect(landed.get('connect-failed')).toBe('CRM_ERROR');
    expect(landed.get('message')).toContain('temporarily_unavailable: AADSTS90033: try later');
    expect(await liveNamed(input.name as string)).toHaveLength(0);
  });

  it('logs no client secret, code, verifier or refresh token', () => {
    const logs = api.logLines.join('');
    expect(logs).toContain('connection created by consent');
    for (const secret of [SANDBOX.clientSecret, 'sandbox-refresh-token', 'code=', 'code_verifier']) expect(logs, secret).not.toContain(secret);
  });
});
