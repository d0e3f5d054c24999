/**
 * Issue 16 acceptance, items 2 and 3: JWT bearer (Salesforce), a private-app token (HubSpot)
 * and Entra ID client credentials (Dynamics, through the emulator's authority) each connect
 * through createConnection and sync; a bad key or a wrong scope is refused with a typed error
 * naming the fix; token lifetimes come from the vendor (token answers, Salesforce
 * introspection), and the 7-day and 1-day alerts fire from the refresh token's expiry the
 * vendor reported, under a controllable clock — no value set through SQL.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../src/process/alerts/alert.service';
import { NO_EVENTS } from '../../src/process/events';
import type { CrmKind } from '../../src/system';
import { SANDBOX as DYNAMICS_SANDBOX } from '../support/crms/dynamics';
import { admin as emulatorAdmin } from '../support/emulators';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

const CREATE = `mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }`;
const CONNECTION = `query ($id: ID!) { connection(id: $id) { id status statusReason tokenExpiresAt refreshTokenExpiresAt } }`;
const TEST = `mutation ($id: ID!) { testConnection(id: $id) { ok message errorClass } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateConnectionInput!) { updateConnection(id: $id, input: $input) { id } }`;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const STRANGER_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

interface ConnectionAnswer {
  id: string;
  status: string;
  statusReason: string | null;
  tokenExpiresAt: string | null;
  refreshTokenExpiresAt: string | null;
}

let h: SyncHarness;
let api: Harness;
let adminKey: string;
/** Whole seconds: Salesforce introspection answers in epoch seconds. */
const t0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const refreshExpiry = new Date(t0.getTime() + 5 * DAY);

beforeAll(async () => {
  h = await startSyncHarness({ seed: 6, crms: ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] });
  api = await startHarness(h.db, { connections: h.connections, syncRuns: h.runs });
  adminKey = await api.keyFor('ADMIN');
  // The connected app as its admin configured it: a certificate for the JWT flow, refresh tokens valid for 5 more days.
  await emulatorAdmin(h.emulators.get('SALESFORCE')!, 'POST', 'settings', {
    jwtPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    refreshTokenExpiresAt: refreshExpiry.toISOString(),
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await h?.close();
});

const urlOf = (kind: CrmKind) => h.emulators.get(kind)!.url;
const read = async (id: string) => (await gql<{ connection: ConnectionAnswer }>(api.url, CONNECTION, { id }, adminKey)).body.data!.connection;
const create = (name: string, kind: CrmKind, credentials: Record<string, unknown>, baseUrl = urlOf(kind)) =>
  gql<{ createConnection: { id: string; status: string } }>(api.url, CREATE, { input: { name, kind, baseUrl, credentials } }, adminKey);

/** Creates the connection over GraphQL, makes it the one the harness syncs for its CRM, and runs a full sync. */
async function connectAndSync(kind: CrmKind, name: string, credentials: Record<string, unknown>, baseUrl?: string): Promise<ConnectionAnswer> {
  const created = await create(name, kind, credentials, baseUrl);
  expect(created.body.errors).toBeUndefined();
  const id = created.body.data!.createConnection.id;
  h.connectionIds.set(kind, id);
  const run = await h.sync(kind, 'BULK');
  expect(run.error).toBeNull();
  expect(run.status).toBe('SUCCEEDED');
  expect(run.recordsRead).toBeGreaterThan(0);
  return read(id);
}

const near = (iso: string | null, expected: number, slackMs: number) => {
  expect(iso).not.toBeNull();
  expect(Math.abs(Date.parse(iso!) - expected)).toBeLessThanOrEqual(slackMs);
};

describe('each way of authenticating connects and syncs', () => {
  it("Salesforce JWT bearer: the session expiry comes from introspection (the org's 45-minute timeout, not the 2 h default); there is no refresh token", async () => {
    const sf = h.emulators.get('SALESFORCE')!;
    await emulatorAdmin(sf, 'POST', 'token-ttl', { ttlMs: 45 * 60_000 });
    try {
      const c = await connectAndSync('SALESFORCE', 'sf jwt', { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', username: 'integration@junction.sandbox', privateKeyPem: PEM });
      expect(c.status).toBe('HEALTHY');
      near(c.tokenExpiresAt, Date.now() + 45 * 60_000, 5 * 60_000);
      expect(c.refreshTokenExpiresAt).toBeNull();
    } finally {
      await emulatorAdmin(sf, 'POST', 'token-ttl', { ttlMs: 2 * HOUR });
    }
  });

  it('HubSpot private-app token: no expiry, nothing to refresh', async () => {
    const c = await connectAndSync('HUBSPOT', 'hs private app', { accessToken: 'pat-na1-junction-sandbox' });
    expect(c.status).toBe('HEALTHY');
    expect(c.tokenExpiresAt).toBeNull();
    expect(c.refreshTokenExpiresAt).toBeNull();
  });

  it("Dynamics client credentials from the emulator's Entra authority: the token's expires_in is kept", async () => {
    const org = urlOf('DYNAMICS');
    const c = await connectAndSync('DYNAMICS', 'dyn entra', { ...DYNAMICS_SANDBOX, authorityUrl: org }, org.replace('127.0.0.1', 'localhost'));
    expect(c.status).toBe('HEALTHY');
    near(c.tokenExpiresAt, Date.now() + HOUR, 5 * 60_000);
  });
});

describe('refusals are typed, name the fix and quote no secret', () => {
  it('a private key the connected app does not hold: testConnection fails AUTHENTICATION, the connection FAILING with the fix', async () => {
    const created = await create('sf wrong key', 'SALESFORCE', { clientId: 'junction-sandbox', username: 'integration@junction.sandbox', privateKeyPem: STRANGER_PEM });
    const id = created.body.data!.createConnection.id;
    const test = (await gql<{ testConnection: { ok: boolean; message: string; errorClass: string } }>(api.url, TEST, { id }, adminKey)).body.data!.testConnection;
    expect(test).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
    expect(test.message).toMatch(/invalid assertion.*certificate uploaded to the connected app matches privateKeyPem/);
    const c = await read(id);
    expect(c.status).toBe('FAILING');
    for (const text of [test.message, c.statusReason!]) expect(text).not.toContain(STRANGER_PEM.split('\n')[2]!);
  });

  it("a token request whose scope is not the authority's org: AUTHENTICATION naming baseUrl and tenantId", async () => {
    // The org URL names another port: the authority knows no such resource.
    const created = await create('dyn wrong org', 'DYNAMICS', { ...DYNAMICS_SANDBOX, authorityUrl: urlOf('DYNAMICS') }, 'http://127.0.0.1:9');
    const id = created.body.data!.createConnection.id;
    const test = (await gql<{ testConnection: { ok: boolean; message: string; errorClass: string } }>(api.url, TEST, { id }, adminKey)).body.data!.testConnection;
    expect(test).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
    expect(test.message).toMatch(/AADSTS500011.*check baseUrl is the org URL and tenantId its Entra tenant/);
    expect(test.message).not.toContain(DYNAMICS_SANDBOX.clientSecret);
  });

  it('credentials that mix two ways are BAD_USER_INPUT naming the field, and nothing is stored', async () => {
    const before = await h.count(`SELECT count(*) n FROM connections`);
    const res = await create('hs mixed', 'HUBSPOT', { accessToken: 'pat-na1-junction-sandbox', refreshToken: 'sandbox-refresh-token' });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(res.body.errors)).toMatch(/credentials\.refreshToken/);
    expect(JSON.stringify(res.body.errors)).not.toContain('pat-na1-junction-sandbox');
    expect(await h.count(`SELECT count(*) n FROM connections`)).toBe(before);
  });

  it.each([
    ['a host outside the allow-list', 'https://login.evil.example.com', /credentials\.authorityUrl login\.evil\.example\.com is not one of the allowed hosts \(\*\.dynamics\.com, login\.microsoftonline\.com, login\.microsoftonline\.us\)/],
    ['a tenant in the path', 'https://login.microsoftonline.com/contoso.onmicrosoft.com', /the tenant goes in tenantId/],
  ])('an authorityUrl with %s is BAD_USER_INPUT before anything is sent there', async (_name, authorityUrl, why) => {
    const res = await create('dyn bad authority', 'DYNAMICS', { ...DYNAMICS_SANDBOX, authorityUrl }, 'https://contoso.crm.dynamics.com');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.message).toMatch(why);
  });
});

describe('lifetimes from the vendor drive the expiry alerts', () => {
  it("the refresh token's expiry comes from Salesforce introspection; the 7-day alert fires from it, the 1-day one a day before", async () => {
    const id = (await create('sf refresh token', 'SALESFORCE', { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' })).body.data!.createConnection.id;
    expect((await gql<{ testConnection: { ok: boolean } }>(api.url, TEST, { id }, adminKey)).body.data!.testConnection.ok).toBe(true);
    const c = await read(id);
    expect(c.refreshTokenExpiresAt).toBe(refreshExpiry.toISOString());
    near(c.tokenExpiresAt, Date.now() + 2 * HOUR, 5 * 60_000);

    const alerts = new AlertService({ db: h.db.dataSource, events: NO_EVENTS });
    const expiring = async (now: Date) => {
      await alerts.evaluate(now);
      return (await alerts.list(true)).filter((a) => a.connectionId === id && a.kind.startsWith('TOKEN_EXPIRING'));
    };
    // Nine days before the expiry: nothing.
    expect(await expiring(new Date(refreshExpiry.getTime() - 9 * DAY))).toEqual([]);
    // Five days before: the 7-day warning, naming the refresh token and the fix.
    const week = await expiring(t0);
    expect(week.map((a) => a.kind)).toEqual(['TOKEN_EXPIRING_7D']);
    expect(week[0]!.message).toMatch(/refresh token \(as the CRM says\) expires in 5\.0 days.*reconnect or send a new refreshToken/);
    // Twenty hours before: the 1-day alert too.
    const day = await expiring(new Date(refreshExpiry.getTime() - 20 * HOUR));
    expect(day.map((a) => a.kind).sort()).toEqual(['TOKEN_EXPIRING_1D', 'TOKEN_EXPIRING_7D']);
  });

  it("where the vendor does not say (a HubSpot private app), the connection's credentialsExpireAt setting drives them", async () => {
    const id = (await create('hs rotating', 'HUBSPOT', { accessToken: 'pat-na1-junction-sandbox' })).body.data!.createConnection.id;
    const rotation = new Date(t0.getTime() + 3 * DAY);
    expect((await read(id)).refreshTokenExpiresAt).toBeNull();
    expect((await gql(api.url, UPDATE, { id, input: { settings: { credentialsExpireAt: rotation.toISOString() } } }, adminKey)).body.errors).toBeUndefined();
    expect((await read(id)).refreshTokenExpiresAt).toBe(rotation.toISOString());
    const alerts = new AlertService({ db: h.db.dataSource, events: NO_EVENTS });
    await alerts.evaluate(t0);
    const raised = (await alerts.list(true)).filter((a) => a.connectionId === id && a.kind.startsWith('TOKEN_EXPIRING'));
    expect(raised.map((a) => a.kind)).toEqual(['TOKEN_EXPIRING_7D']);
    expect(raised[0]!.message).toMatch(/credentials expire in 3\.0 days/);
  });
});
