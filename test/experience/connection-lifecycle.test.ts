/**
 * Managing connections over GraphQL (issue 13 item 6), against real emulators, the real
 * engine and the run's database: reading one, UNKNOWN until proven, create never updating,
 * updateConnection's checks and settings, pause and resume, and deleteConnection keeping
 * records and provenance while it stops syncing and calls nothing in the CRM.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { codes, gql, startHarness, type Harness } from '../support/harness';

const CONNECTION = `query ($id: ID!) { connection(id: $id) {
  id name kind baseUrl apiVersion status statusReason enabled circuit tokenExpiresAt refreshTokenExpiresAt lastSuccessfulSyncAt deletedAt
  settings { rateLimit { requests windowMs } deletePropagation bulkIngestThreshold schemaCheckIntervalMs credentialsExpireAt }
} }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateConnectionInput!) { updateConnection(id: $id, input: $input) { id name baseUrl apiVersion status statusReason enabled } }`;
const CREATE = `mutation ($input: CreateConnectionInput!) { createConnection(input: $input) { id name status } }`;
const PAUSE = `mutation ($id: ID!, $reason: String) { pauseConnection(id: $id, reason: $reason) { id status statusReason enabled } }`;
const RESUME = `mutation ($id: ID!) { resumeConnection(id: $id) { id status statusReason enabled } }`;
const DELETE = `mutation ($id: ID!) { deleteConnection(id: $id) { id } }`;

interface ConnectionAnswer {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  enabled: boolean;
  deletedAt: string | null;
  settings: Record<string, unknown>;
  [field: string]: unknown;
}

let h: SyncHarness;
let api: Harness;
let admin: string;
let operator: string;
let viewer: string;
let sf: string;
let hs: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 12, crms: ['SALESFORCE', 'HUBSPOT'] });
  api = await startHarness(h.db, { connections: h.connections, syncRuns: h.runs });
  [admin, operator, viewer] = await Promise.all([api.keyFor('ADMIN'), api.keyFor('OPERATOR'), api.keyFor('VIEWER')]);
  sf = h.connectionIds.get('SALESFORCE')!;
  hs = h.connectionIds.get('HUBSPOT')!;
}, 60_000);

afterAll(async () => {
  await api?.close();
  await h?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => h.db.dataSource.query(text, params) as Promise<T[]>;
const read = async (id: string) => (await gql<{ connection: ConnectionAnswer | null }>(api.url, CONNECTION, { id }, viewer)).body.data!.connection;
const update = (id: string, input: Record<string, unknown>, key = admin) => gql<{ updateConnection: ConnectionAnswer }>(api.url, UPDATE, { id, input }, key);
const row = async (id: string) => (await sql<Record<string, unknown>>(`SELECT * FROM connections WHERE id = $1`, [id]))[0]!;

// The vendors' documented limits (crm-wire.md): Salesforce's daily allocation, HubSpot's 10-second window.
const SF_DEFAULT_RATE = { requests: 15_000, windowMs: 86_400_000 };
const HS_DEFAULT_RATE = { requests: 100, windowMs: 10_000 };

describe('reading and creating', () => {
  it('reads one connection with every contract field; unknown ids answer null, malformed ones BAD_USER_INPUT', async () => {
    const c = await read(sf);
    expect(c).toMatchObject({ id: sf, name: 'SALESFORCE test', kind: 'SALESFORCE', status: 'UNKNOWN', statusReason: null, enabled: true, circuit: 'CLOSED', refreshTokenExpiresAt: null, deletedAt: null });
    expect(c!.settings).toEqual({ rateLimit: SF_DEFAULT_RATE, deletePropagation: null, bulkIngestThreshold: null, schemaCheckIntervalMs: null, credentialsExpireAt: null });
    expect(await read(randomUUID())).toBeNull();
    expect(codes(await gql(api.url, CONNECTION, { id: 'not-a-uuid' }, viewer))).toEqual(['BAD_USER_INPUT']);
  });

  it('is UNKNOWN until a test passes, then HEALTHY', async () => {
    const test = await gql<{ testConnection: { ok: boolean } }>(api.url, `mutation ($id: ID!) { testConnection(id: $id) { ok } }`, { id: sf }, operator);
    expect(test.body.data!.testConnection.ok).toBe(true);
    expect((await read(sf))!.status).toBe('HEALTHY');
    expect((await read(hs))!.status).toBe('UNKNOWN');
  });

  it('refuses a name in use with CONFLICT and changes nothing', async () => {
    const before = await row(sf);
    const res = await gql(api.url, CREATE, { input: { name: 'SALESFORCE test', kind: 'SALESFORCE', baseUrl: 'http://127.0.0.1:9', credentials: { ...SANDBOX, clientSecret: 'other' } } }, admin);
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.body.errors![0]!.message).toMatch(/updateConnection/);
    const after = await row(sf);
    expect(after).toEqual(before);
  });
});

describe('updateConnection', () => {
  it.each<[string, 'sf' | 'hs', Record<string, unknown>, string]>([
    ['a URL that is not http(s)', 'sf', { baseUrl: 'ftp://crm.example.com' }, 'baseUrl'],
    ['no URL at all', 'sf', { baseUrl: 'crm.example.com' }, 'baseUrl'],
    ['an API version that is none', 'sf', { apiVersion: 'latest' }, 'apiVersion'],
    ['an empty name', 'sf', { name: '   ' }, 'name'],
    ['HubSpot credentials without a refresh token', 'hs', { credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret' } }, 'credentials.refreshToken'],
    ['Salesforce credentials with a tenant', 'sf', { credentials: { ...SANDBOX, tenantId: 'contoso' } }, 'credentials.tenantId'],
    ['an empty client secret', 'sf', { credentials: { ...SANDBOX, clientSecret: '' } }, 'credentials.clientSecret'],
    ['a rate limit of 0 requests', 'sf', { settings: { rateLimit: { requests: 0, windowMs: 1000 } } }, 'settings.rateLimit.requests'],
    ['a negative bulk threshold', 'sf', { settings: { bulkIngestThreshold: -1 } }, 'settings.bulkIngestThreshold'],
    ['a schema check interval over a day', 'sf', { settings: { schemaCheckIntervalMs: 86_400_001 } }, 'settings.schemaCheckIntervalMs'],
    ['a sync every 2 seconds', 'sf', { settings: { schedule: { intervalSeconds: 2 } } }, 'settings.schedule.intervalSeconds'],
    ['a window opening at 25:00', 'sf', { settings: { schedule: { window: { start: '25:00', end: '06:00', timeZone: 'Europe/Berlin' } } } }, 'settings.schedule.window.start'],
    ['a window in a time zone that is none', 'sf', { settings: { schedule: { window: { start: '22:00', end: '06:00', timeZone: 'Mars/Olympus_Mons' } } } }, 'settings.schedule.window.timeZone'],
    ['a window that opens and closes at once', 'sf', { settings: { schedule: { window: { start: '22:00', end: '22:00', timeZone: 'UTC' } } } }, 'settings.schedule.window.end'],
  ])('refuses %s with BAD_USER_INPUT naming the field, and changes nothing', async (_name, which, input, field) => {
    const id = which === 'sf' ? sf : hs;
    const before = await row(id);
    const res = await update(id, input);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.extensions!.field).toBe(field);
    expect(await row(id)).toEqual(before);
  });

  it('refuses a deletePropagation value that does not exist, naming the field', async () => {
    const res = await update(sf, { settings: { deletePropagation: 'SOMETIMES' } });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.message).toMatch(/deletePropagation/);
  });

  it('refuses a name another connection has with CONFLICT, an unknown id with NOT_FOUND and a malformed one with BAD_USER_INPUT', async () => {
    expect(codes(await update(sf, { name: 'HUBSPOT test' }))).toEqual(['CONFLICT']);
    expect(codes(await update(randomUUID(), { name: 'x' }))).toEqual(['NOT_FOUND']);
    expect(codes(await update('nope', { name: 'x' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('is for administrators only', async () => {
    expect(codes(await update(sf, { name: 'renamed' }, operator))).toEqual(['FORBIDDEN']);
    expect((await row(sf)).name).toBe('SALESFORCE test');
  });

  it('changes name, URL and settings; null puts a setting back to its default; other settings stay', async () => {
    await sql(`UPDATE connections SET settings = settings || '{"organizationId": "00D000000000001"}'::jsonb WHERE id = $1`, [sf]);
    const adapterBefore = h.connections.adapterFor((await h.connections.get(sf))!);
    const settings = { rateLimit: { requests: 50, windowMs: 10_000 }, deletePropagation: 'NONE', bulkIngestThreshold: 500, schemaCheckIntervalMs: 60_000, credentialsExpireAt: '2030-01-01T00:00:00.000Z' };
    const res = await update(sf, { name: 'Salesforce production', settings });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.updateConnection.name).toBe('Salesforce production');
    expect((await read(sf))!.settings).toEqual(settings);
    const stored = (await row(sf)).settings as Record<string, unknown>;
    expect(stored.organizationId).toBe('00D000000000001');
    // The rate limit is the adapter's: it was built again with it.
    expect(h.connections.adapterFor((await h.connections.get(sf))!)).not.toBe(adapterBefore);

    const cleared = await update(sf, { name: 'SALESFORCE test', settings: { rateLimit: null, bulkIngestThreshold: null } });
    expect(cleared.body.errors).toBeUndefined();
    // Without a setting, the vendor's documented default is the limit again.
    expect((await read(sf))!.settings).toEqual({ ...settings, rateLimit: SF_DEFAULT_RATE, bulkIngestThreshold: null });
    expect(((await row(sf)).settings as Record<string, unknown>).organizationId).toBe('00D000000000001');
    await update(sf, { settings: { deletePropagation: null, schemaCheckIntervalMs: null, credentialsExpireAt: null } });
  });
});

describe('connection settings: schedule and autoProvision', () => {
  const SETTINGS = `query S($id: ID!) { connection(id: $id) { settings { schedule { intervalSeconds window { start end timeZone } } rateLimit { requests windowMs } autoProvision } } }`;
  const settingsOf = async (id: string) => (await gql<{ connection: { settings: Record<string, unknown> } }>(api.url, SETTINGS, { id }, viewer)).body.data!.connection.settings;

  it('reads the defaults, takes a schedule with a window in another time zone as a whole, and null puts it back', async () => {
    // autoProvision defaults on for an emulator's connection (a loopback URL), off for a real org's.
    expect(await settingsOf(hs)).toEqual({ schedule: { intervalSeconds: null, window: null }, rateLimit: HS_DEFAULT_RATE, autoProvision: true });
    const schedule = { intervalSeconds: 300, window: { start: '22:00', end: '05:30', timeZone: 'America/New_York' } };
    const res = await update(hs, { settings: { schedule, autoProvision: false } });
    expect(res.body.errors).toBeUndefined();
    expect(await settingsOf(hs)).toEqual({ schedule, rateLimit: HS_DEFAULT_RATE, autoProvision: false });
    const rate = `query R($id: ID!) { connection(id: $id) { settings { rateLimit { vendorDefault basis } } } }`;
    const shown = (await gql<{ connection: { settings: { rateLimit: { vendorDefault: boolean; basis: string } } } }>(api.url, rate, { id: hs }, viewer)).body.data!.connection.settings.rateLimit;
    expect(shown).toEqual({ vendorDefault: true, basis: expect.stringMatching(/^HubSpot: 100 requests per 10 s/) });
    // A schedule is set as a whole: a new one without a window has none.
    await update(hs, { settings: { schedule: { intervalSeconds: 120 } } });
    expect((await settingsOf(hs)).schedule).toEqual({ intervalSeconds: 120, window: null });
    await update(hs, { settings: { schedule: null, autoProvision: null } });
    expect(await settingsOf(hs)).toEqual({ schedule: { intervalSeconds: null, window: null }, rateLimit: HS_DEFAULT_RATE, autoProvision: true });
  });
});

describe('pause and resume', () => {
  it('an operator pauses with a reason; nothing is scheduled for it; resuming restores what is known', async () => {
    const paused = await gql<{ pauseConnection: ConnectionAnswer }>(api.url, PAUSE, { id: sf, reason: 'CRM maintenance tonight' }, operator);
    expect(paused.body.data!.pauseConnection).toMatchObject({ status: 'PAUSED', statusReason: 'paused by an operator: CRM maintenance tonight', enabled: true });
    expect((await row(sf)).paused_until).toBeNull();
    await h.worker.scheduleAll();
    const queued = await sql<{ connection_id: string }>(`SELECT connection_id FROM sync_runs WHERE status = 'QUEUED'`);
    expect(queued.map((r) => r.connection_id)).not.toContain(sf);
    await h.worker.drain();

    const resumed = await gql<{ resumeConnection: ConnectionAnswer }>(api.url, RESUME, { id: sf }, operator);
    // It passed a test before the pause.
    expect(resumed.body.data!.resumeConnection).toMatchObject({ status: 'HEALTHY', statusReason: null, enabled: true });
  });

  it('a connection nothing has proven goes back to UNKNOWN', async () => {
    const other = await h.connections.create({ name: `unproven ${randomUUID()}`, kind: 'HUBSPOT', baseUrl: 'http://127.0.0.1:9', credentials: SANDBOX });
    await gql(api.url, PAUSE, { id: other.id }, operator);
    const resumed = await gql<{ resumeConnection: ConnectionAnswer }>(api.url, RESUME, { id: other.id }, operator);
    expect(resumed.body.data!.resumeConnection).toMatchObject({ status: 'UNKNOWN', statusReason: null });
    await h.connections.delete(other.id);
  });

  it('viewers may not pause, operators may not delete', async () => {
    expect(codes(await gql(api.url, PAUSE, { id: sf }, viewer))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(api.url, DELETE, { id: sf }, operator))).toEqual(['FORBIDDEN']);
    expect((await row(sf)).status).toBe('HEALTHY');
  });
});

describe('deleteConnection', () => {
  const count = async (text: string, params: unknown[] = []) => (await sql<{ n: number }>(text, params))[0]!.n;
  const emulatorGet = async (path: string) => (await fetch(`${h.emulators.get('SALESFORCE')!.url}/_emulator/${path}`)).json() as Promise<unknown>;

  it('refuses while one of its runs executes', async () => {
    const [run] = await sql<{ id: string }>(`INSERT INTO sync_runs (connection_id, mode, status) VALUES ($1, 'INCREMENTAL', 'RUNNING') RETURNING id`, [sf]);
    try {
      expect(codes(await gql(api.url, DELETE, { id: sf }, admin))).toEqual(['CONFLICT']);
      expect((await row(sf)).deleted_at).toBeNull();
    } finally {
      await sql(`UPDATE sync_runs SET status = 'INTERRUPTED', finished_at = now() WHERE id = $1`, [run!.id]);
    }
  });

  it('stops syncing, erases the credentials, keeps records and provenance, detaches links, and calls nothing in the CRM', async () => {
    for (const kind of ['SALESFORCE', 'HUBSPOT'] as const) expect((await h.sync(kind, 'BULK')).status).toMatch(/SUCCEEDED|PARTIAL/);
    const contacts = await count(`SELECT count(*)::int AS n FROM contacts`);
    const provenance = await count(`SELECT count(*)::int AS n FROM field_provenance WHERE connection_id = $1`, [sf]);
    const links = await count(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1`, [sf]);
    expect(provenance).toBeGreaterThan(0);
    expect(links).toBeGreaterThan(0);
    // A change waiting for it, and a field it owns.
    const [contact] = await sql<{ record_id: string }>(`SELECT record_id FROM source_links WHERE connection_id = $1 AND record_kind = 'CONTACT' LIMIT 1`, [sf]);
    await sql(`INSERT INTO outbox (connection_id, record_kind, record_id) VALUES ($1, 'CONTACT', $2) ON CONFLICT DO NOTHING`, [sf, contact!.record_id]);
    await sql(`INSERT INTO field_owners (record_kind, field, owner_connection_id) VALUES ('CONTACT', 'title', $1)`, [sf]);
    const crmRecords = JSON.stringify(await emulatorGet('records/Contact'));
    const crmRequests = ((await emulatorGet('stats')) as { requests: number }).requests;

    const res = await gql<{ deleteConnection: { id: string } }>(api.url, DELETE, { id: sf }, admin);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.deleteConnection.id).toBe(sf);

    // Kept: every record, its provenance, and the links (detached).
    expect(await count(`SELECT count(*)::int AS n FROM contacts`)).toBe(contacts);
    expect(await count(`SELECT count(*)::int AS n FROM field_provenance WHERE connection_id = $1`, [sf])).toBe(provenance);
    expect(await count(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1 AND detached_at IS NOT NULL`, [sf])).toBe(links);
    // Gone: the credentials, its pending deliveries, its field ownership.
    const tomb = await row(sf);
    expect(tomb).toMatchObject({ credentials_sealed: '', enabled: false });
    expect(tomb.deleted_at).not.toBeNull();
    expect(await count(`SELECT count(*)::int AS n FROM outbox WHERE connection_id = $1 AND delivered_at IS NULL`, [sf])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM field_owners WHERE owner_connection_id = $1`, [sf])).toBe(0);
    // Nothing was asked of the CRM, and everything there is as it was.
    expect(((await emulatorGet('stats')) as { requests: number }).requests).toBe(crmRequests);
    expect(JSON.stringify(await emulatorGet('records/Contact'))).toBe(crmRecords);

    // The API: gone from the list, still readable by id, and records still name it as their source.
    const list = await gql<{ connections: Array<{ id: string }> }>(api.url, `{ connections { id } }`, {}, viewer);
    expect(list.body.data!.connections.map((c) => c.id)).toEqual([hs]);
    expect(await read(sf)).toMatchObject({ id: sf, enabled: false, deletedAt: expect.any(String) });
    const sources = await gql<{ contact: { sources: Array<{ connection: { id: string; kind: string }; detachedAt: string | null }> } }>(
      api.url,
      `query ($id: ID!) { contact(id: $id) { sources { connection { id kind } detachedAt } } }`,
      { id: contact!.record_id },
      viewer,
    );
    const fromSf = sources.body.data!.contact.sources.find((s) => s.connection.id === sf);
    expect(fromSf).toMatchObject({ connection: { id: sf, kind: 'SALESFORCE' }, detachedAt: expect.any(String) });
  });

  it('is never scheduled, synced or managed again; its name is free', async () => {
    await h.worker.scheduleAll();
    expect(await sql(`SELECT id FROM sync_runs WHERE connection_id = $1 AND status = 'QUEUED'`, [sf])).toEqual([]);
    await h.worker.drain();
    const trigger = await gql(api.url, `mutation ($id: ID!) { triggerSync(connectionId: $id, mode: INCREMENTAL) { id } }`, { id: sf }, operator);
    expect(codes(trigger)).toEqual(['NOT_FOUND']);
    expect(codes(await update(sf, { name: 'again' }))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(api.url, PAUSE, { id: sf }, operator))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(api.url, DELETE, { id: sf }, admin))).toEqual(['NOT_FOUND']);

    // A new person in HubSpot reaches the store, and queues nothing for the deleted connection.
    const queuedForSf = async () => count(`SELECT count(*)::int AS n FROM outbox WHERE connection_id = $1`, [sf]);
    const before = await queuedForSf();
    const hubspot = h.connections.adapterFor((await h.connections.get(hs))!);
    const [written] = await hubspot.upsert('contacts', [{ junctionId: randomUUID(), fields: { firstname: 'Nora', lastname: 'Newcomer', email: 'nora.newcomer@example.org' } }]);
    expect(written!.ok).toBe(true);
    expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
    expect(await sql(`SELECT id FROM contacts WHERE email = 'nora.newcomer@example.org'`)).toHaveLength(1);
    expect(await queuedForSf()).toBe(before);
    expect(await count(`SELECT count(*)::int AS n FROM outbox WHERE connection_id = $1 AND delivered_at IS NULL`, [sf])).toBe(0);

    const again = await gql<{ createConnection: { id: string; status: string } }>(
      api.url,
      CREATE,
      { input: { name: 'SALESFORCE test', kind: 'SALESFORCE', baseUrl: h.emulators.get('SALESFORCE')!.url, credentials: SANDBOX } },
      admin,
    );
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.createConnection).toMatchObject({ status: 'UNKNOWN' });
    expect(again.body.data!.createConnection.id).not.toBe(sf);
  });
});
