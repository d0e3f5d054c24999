/**
 * Revoked credentials never go silent (issue 13 item 5), for every CRM, through the
 * emulators' revokeRefreshTokens fault, the real engine and worker, the health monitor and
 * alert service as the app wires them, and GraphQL over real HTTP: the connection turns
 * FAILING with a reason naming the fix, a CREDENTIALS alert is raised at once (the monitor's
 * own tick is an hour away), overall health is not HEALTHY, nothing retries on a schedule,
 * and new credentials through updateConnection bring it back without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_EVENTS, type EventBus } from '../../src/process/events';
import { startMonitoring, type RunningMonitoring } from '../../src/process/health/start-monitoring';
import { registeredCrms, type CrmKind } from '../../src/system';
import { gql, startHarness, type Harness } from '../support/harness';
import { SANDBOX } from '../support/sync-harness';
import { ONE_ATTEMPT, startSyncHarness, type SyncHarness } from '../support/sync-harness';

const KINDS = registeredCrms();

interface ConnectionAnswer {
  id: string;
  status: string;
  statusReason: string | null;
  enabled: boolean;
}
interface AlertAnswer {
  id: string;
  kind: string;
  severity: string;
  message: string;
  resolvedAt: string | null;
  connection: { id: string } | null;
}

const CONNECTION = `query ($id: ID!) { connection(id: $id) { id status statusReason enabled tokenExpiresAt refreshTokenExpiresAt } }`;
const UPDATE_CREDENTIALS = `mutation ($id: ID!, $credentials: ConnectionCredentialsInput!) { updateConnection(id: $id, input: { credentials: $credentials }) { id status statusReason enabled } }`;
const ALERTS = `query ($active: Boolean) { alerts(active: $active, kinds: [CREDENTIALS]) { id kind severity message resolvedAt connection { id } } }`;
const TRIGGER = `mutation ($id: ID!) { triggerSync(connectionId: $id, mode: INCREMENTAL) { id } }`;

/** Forwards to the monitor's bus once it exists (the harness builds the engine first). */
const bus: EventBus & { target: EventBus } = { target: NO_EVENTS, publish: (topic, payload) => bus.target.publish(topic, payload) };

let h: SyncHarness;
let api: Harness;
let monitoring: RunningMonitoring;
let admin: string;
let operator: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: Object.fromEntries(KINDS.map((k) => [k, 5])), events: bus, runRetry: ONE_ATTEMPT });
  api = await startHarness(h.db, { connections: h.connections, syncRuns: h.runs });
  // An hour between ticks: whatever the test sees within seconds came from the run or the connection change.
  monitoring = startMonitoring({ db: h.db.dataSource, events: NO_EVENTS, intervalMs: 3_600_000, connections: h.connections });
  bus.target = monitoring.events;
  admin = await api.keyFor('ADMIN');
  operator = await api.keyFor('OPERATOR');
}, 60_000);

afterAll(async () => {
  await monitoring?.close();
  await api?.close();
  await h?.close();
});

const connection = async (id: string) => (await gql<{ connection: ConnectionAnswer }>(api.url, CONNECTION, { id }, operator)).body.data!.connection;
const alerts = async (active: boolean) => (await gql<{ alerts: AlertAnswer[] }>(api.url, ALERTS, { active }, operator)).body.data!.alerts;
const health = async () => (await gql<{ health: { status: string } }>(api.url, `{ health(window: "1h") { status } }`, {}, operator)).body.data!.health.status;
const syncOverGraphql = async (id: string) => {
  const res = await gql<{ triggerSync: { id: string } }>(api.url, TRIGGER, { id }, operator);
  expect(res.body.errors).toBeUndefined();
  await h.worker.drain();
  return (await h.runs.get(res.body.data!.triggerSync.id))!;
};

describe('new connections', () => {
  it('are UNKNOWN, and keep overall health from HEALTHY, until a run gets through', async () => {
    for (const kind of KINDS) expect((await connection(h.connectionIds.get(kind)!)).status).toBe('UNKNOWN');
    expect(await health()).toBe('UNKNOWN');
    for (const kind of KINDS) {
      expect((await syncOverGraphql(h.connectionIds.get(kind)!)).status).toBe('SUCCEEDED');
      expect(await connection(h.connectionIds.get(kind)!)).toMatchObject({ status: 'HEALTHY', statusReason: null, enabled: true });
    }
    expect(await health()).toBe('HEALTHY');
  });
});

describe.each(KINDS.map((k) => [k] as [CrmKind]))('%s: a revoked refresh token', (kind) => {
  let id: string;
  beforeAll(() => {
    id = h.connectionIds.get(kind)!;
  });

  it('makes the connection FAILING with the fix named, raises a critical CREDENTIALS alert at once, and health is not HEALTHY', async () => {
    await h.faults(kind, { revokeRefreshTokens: true, expireTokens: true });
    const run = await syncOverGraphql(id);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^AUTHENTICATION/);

    const failing = await connection(id);
    expect(failing.status).toBe('FAILING');
    expect(failing.statusReason).toMatch(/refused Junction's credentials/);
    expect(failing.statusReason).toMatch(/updateConnection/);
    // Never the old silent pause without an end.
    expect((await h.sql<{ paused_until: Date | null }>(`SELECT paused_until FROM connections WHERE id = $1`, [id]))[0]!.paused_until).toBeNull();

    await expect.poll(async () => (await alerts(true)).filter((a) => a.connection?.id === id).length, { timeout: 3_000 }).toBe(1);
    const [alert] = (await alerts(true)).filter((a) => a.connection?.id === id);
    expect(alert).toMatchObject({ kind: 'CREDENTIALS', severity: 'CRITICAL', resolvedAt: null });
    expect(alert!.message).toMatch(/updateConnection/);
    expect(await health()).not.toBe('HEALTHY');
  });

  it('is not retried on a schedule: the token endpoint is left alone', async () => {
    const refusalsBefore = (await h.emulatorStats(kind)).byStatus['400'] ?? 0;
    await h.worker.scheduleAll();
    expect(await h.sql(`SELECT id FROM sync_runs WHERE connection_id = $1 AND status = 'QUEUED'`, [id])).toEqual([]);
    expect((await h.emulatorStats(kind)).byStatus['400'] ?? 0).toBe(refusalsBefore);
  });

  it('stays FAILING with credentials the CRM refuses; new credentials through updateConnection bring it back, and the alert resolves', async () => {
    await h.clearFaults(kind);
    // Clearing the fault alone changes nothing Junction can see: nothing retries by itself.
    expect((await connection(id)).status).toBe('FAILING');

    const wrong = await gql<{ updateConnection: ConnectionAnswer }>(api.url, UPDATE_CREDENTIALS, { id, credentials: { ...SANDBOX, refreshToken: 'not-the-right-one' } }, admin);
    expect(wrong.body.errors).toBeUndefined();
    expect(wrong.body.data!.updateConnection).toMatchObject({ status: 'FAILING', enabled: true });
    expect(wrong.body.data!.updateConnection.statusReason).toMatch(/refused/);

    const right = await gql<{ updateConnection: ConnectionAnswer }>(api.url, UPDATE_CREDENTIALS, { id, credentials: SANDBOX }, admin);
    expect(right.body.errors).toBeUndefined();
    expect(right.body.data!.updateConnection).toMatchObject({ id, status: 'HEALTHY', statusReason: null, enabled: true });

    await expect.poll(async () => (await alerts(true)).filter((a) => a.connection?.id === id).length, { timeout: 3_000 }).toBe(0);
    const resolved = (await alerts(false)).filter((a) => a.connection?.id === id);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.resolvedAt).not.toBeNull();

    // The same process syncs it again: no restart, and the scheduler takes it again.
    expect((await syncOverGraphql(id)).status).toBe('SUCCEEDED');
    await h.worker.scheduleAll();
    expect((await h.sql(`SELECT id FROM sync_runs WHERE connection_id = $1 AND status = 'QUEUED'`, [id])).length).toBe(1);
    await h.worker.drain();
  });
});
