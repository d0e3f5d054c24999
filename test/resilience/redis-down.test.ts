/**
 * Redis down (a private redis-server, so suites sharing the machine's Redis are undisturbed):
 * two Junction API instances keep answering GraphQL over HTTP, a graphql-ws subscription
 * on the instance where an event happens still receives it, and once Redis is back events
 * cross between the instances again — all in the same two processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { collect, type Collector } from '../observability/support';
import { useDatabase } from '../support/database';
import { externalCrmsEnv, freePort, startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';
import { killRedis, redisServerBinary, startPrivateRedis } from '../support/private-services';
import { SANDBOX } from '../support/sync-harness';

const ADMIN_KEY = 'jk_test-admin-key-for-redis-down-0123456789';
const MASTER_KEY = generateMasterKey();
const REDIS = redisServerBinary();
/** A request that hangs fails the test here instead of at the test timeout. */
const NO_HANG_MS = 15_000;
const SUBSCRIPTION = `subscription { syncRunUpdated { id status } }`;

type RunEvent = { syncRunUpdated: { id: string; status: string } };

// Two instances share the test database, which needs a PostgreSQL server (the embedded one
// serves a single session); the outage needs a redis-server binary to stop and start.
describe.skipIf(inject('embeddedDatabase') || !REDIS)('Redis down: the API keeps serving (needs PostgreSQL and redis-server)', () => {
  const db = useDatabase();
  let emulator: RunningEmulator;
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let dataDir: string;
  let a: JunctionProcess | undefined;
  let b: JunctionProcess | undefined;
  let connectionId: string;
  const collectors: Array<Collector<RunEvent>> = [];

  const subscribe = (instance: JunctionProcess) => {
    const c = collect<RunEvent>(instance.url, ADMIN_KEY, SUBSCRIPTION);
    collectors.push(c);
    return c;
  };
  const graphql = async <T>(instance: JunctionProcess, query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${instance.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(NO_HANG_MS),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!;
  };
  /** A fresh run each time: no worker runs here, so the previous one is ended by hand first. */
  const trigger = async (instance: JunctionProcess) => {
    await db.dataSource.query(`UPDATE sync_runs SET status = 'FAILED', finished_at = now() WHERE status IN ('QUEUED','RUNNING')`);
    const data = await graphql<{ triggerSync: { id: string } }>(instance, `mutation($id: ID!) { triggerSync(connectionId: $id, mode: INCREMENTAL) { id } }`, { id: connectionId });
    return data.triggerSync.id;
  };
  const seen = (c: Collector<RunEvent>, runId: string) => c.events.some((e) => e.syncRunUpdated.id === runId);
  /**
   * Triggers runs on `on` until `c` has seen one: a subscription (and Redis's SUBSCRIBE behind
   * it) becomes active a moment after it is opened, and Redis reconnects on its own schedule.
   */
  const triggerUntilSeen = async (on: JunctionProcess, c: Collector<RunEvent>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runId = await trigger(on);
      const until = Date.now() + 1000;
      while (!seen(c, runId) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      if (seen(c, runId)) return runId;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
  };
  const alive = (p: JunctionProcess) => p.child.exitCode === null && p.child.signalCode === null;

  beforeAll(async () => {
    [emulator] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
    const connections = new ConnectionService(db.dataSource, new CredentialsCipher(MASTER_KEY));
    connectionId = (await connections.create({ name: 'hubspot', kind: 'HUBSPOT', baseUrl: emulator.url, credentials: SANDBOX })).id;
    await connections.close();
    redisPort = await freePort();
    redis = await startPrivateRedis(REDIS!, redisPort);
    dataDir = mkdtempSync(join(tmpdir(), 'junction-redis-down-'));
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      JUNCTION_DATA_DIR: dataDir,
      JUNCTION_EMULATORS: 'none',
      JUNCTION_ADMIN_KEY: ADMIN_KEY,
      JUNCTION_MASTER_KEY: MASTER_KEY,
      // API only: runs stay QUEUED, so the test decides exactly which events happen.
      JUNCTION_ROLE: 'api',
    };
    a = await startJunctionProcess(env, ADMIN_KEY);
    b = await startJunctionProcess(env, ADMIN_KEY);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(collectors.map((c) => c.client.dispose()));
    await a?.kill('SIGKILL');
    await b?.kill('SIGKILL');
    if (redis) await killRedis(redis);
    await emulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves queries, mutations and same-instance subscriptions without Redis, and fans out again when it returns', { timeout: 240_000 }, async () => {
    const onA = subscribe(a!);
    const onB = subscribe(b!);
    // Redis up: an event on A reaches both A's and B's subscribers.
    await triggerUntilSeen(a!, onB, 30_000, "A's event on B's subscription");
    await triggerUntilSeen(a!, onA, 30_000, "A's event on A's subscription");
    const pids = [a!.child.pid, b!.child.pid];

    await killRedis(redis!);
    redis = undefined;
    // Long enough for every retry the Redis clients make per queued command to run out.
    await new Promise((r) => setTimeout(r, 3000));
    for (const instance of [a!, b!]) {
      const data = await graphql<{ connections: Array<{ id: string }> }>(instance, `{ connections { id } }`);
      expect(data.connections.map((c) => c.id)).toEqual([connectionId]);
    }
    // A live call to the CRM goes through the connection's clustered limiter: it answers too.
    const tested = await graphql<{ testConnection: { ok: boolean; errorClass: string | null; message: string | null } }>(
      a!,
      `mutation($id: ID!) { testConnection(id: $id) { ok errorClass message } }`,
      { id: connectionId },
    );
    console.log(`testConnection with Redis down: ${JSON.stringify(tested.testConnection)}`);
    expect(tested.testConnection.ok).toBe(true);
    // Mutations answer, and the subscriber on the same instance gets the event.
    const whileDown = await trigger(a!);
    await waitFor(async () => seen(onA, whileDown), Boolean, NO_HANG_MS, "A's event on A's subscription with Redis down");
    const onBWhileDown = await trigger(b!);
    await waitFor(async () => seen(onB, onBWhileDown), Boolean, NO_HANG_MS, "B's event on B's subscription with Redis down");
    // A subscription opened during the outage works on its own instance too.
    const lateOnA = subscribe(a!);
    await triggerUntilSeen(a!, lateOnA, 30_000, "A's event on a subscription opened on A during the outage");
    // Still serving after the clients' retries for everything published meanwhile ran out.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await graphql<{ connections: unknown[] }>(b!, `{ connections { id } }`)).connections).toHaveLength(1);
    expect(alive(a!) && alive(b!)).toBe(true);

    redis = await startPrivateRedis(REDIS!, redisPort);
    // Redis back: cross-instance delivery recovers, both ways, including the late subscription.
    await triggerUntilSeen(a!, onB, 60_000, "A's event on B's subscription after Redis returned");
    await triggerUntilSeen(b!, onA, 60_000, "B's event on A's subscription after Redis returned");
    await triggerUntilSeen(b!, lateOnA, 60_000, "B's event on the subscription opened during the outage");
    // Each event exactly once on its own instance's subscriber (local delivery is not echoed back by Redis).
    const last = await triggerUntilSeen(a!, onA, 30_000, "A's event on A's subscription");
    await waitFor(async () => seen(onB, last), Boolean, NO_HANG_MS, "A's last event on B's subscription");
    expect(onA.events.filter((e) => e.syncRunUpdated.id === last)).toHaveLength(1);
    expect(onB.events.filter((e) => e.syncRunUpdated.id === last)).toHaveLength(1);

    expect([a!.child.pid, b!.child.pid]).toEqual(pids);
    expect(alive(a!) && alive(b!)).toBe(true);
    for (const c of collectors.splice(0)) await c.close();
  });
});

const SYNCED = 1000;

describe.skipIf(inject('embeddedDatabase') || !REDIS)('Redis stopped and restarted during a running sync, in one process (needs PostgreSQL and redis-server)', () => {
  const db = useDatabase();
  let source: RunningEmulator;
  let target: RunningEmulator;
  let redis: ChildProcess | undefined;
  let dataDir: string;
  let junction: JunctionProcess | undefined;
  let sourceId: string;
  const sql = async <T>(text: string, params: unknown[] = []) => (await db.dataSource.query(text, params)) as T[];
  const targetRecords = async () => {
    const all: Array<{ Email?: string; Junction_Id__c?: string }> = [];
    for (const object of ['Lead', 'Contact']) all.push(...((await (await fetch(`${target.url}/_emulator/records/${object}`)).json()) as typeof all));
    return all;
  };

  beforeAll(async () => {
    [source] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
    [target] = await startEmulators({ crms: ['SALESFORCE'], seed: 0, defaultPorts: false });
    source.seed(demoPeople(SYNCED, 19, 0));
    const connections = new ConnectionService(db.dataSource, new CredentialsCipher(MASTER_KEY));
    sourceId = (await connections.create({ name: 'source', kind: 'HUBSPOT', baseUrl: source.url, credentials: SANDBOX })).id;
    await connections.create({ name: 'target', kind: 'SALESFORCE', baseUrl: target.url, credentials: SANDBOX });
    await connections.close();
    dataDir = mkdtempSync(join(tmpdir(), 'junction-redis-sync-'));
  }, 60_000);
  afterAll(async () => {
    await junction?.kill('SIGKILL');
    if (redis) await killRedis(redis);
    await source?.close();
    await target?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`the same process finishes the sync of ${SYNCED} people exactly once Redis is back`, { timeout: 300_000 }, async () => {
    const port = await freePort();
    redis = await startPrivateRedis(REDIS!, port);
    junction = await startJunctionProcess(
      { DATABASE_URL: inject('databaseUrl'), REDIS_URL: `redis://127.0.0.1:${port}`, ...externalCrmsEnv(dataDir, { admin: ADMIN_KEY, master: MASTER_KEY }) },
      ADMIN_KEY,
    );
    const pid = junction.child.pid;
    // Run events are published through Redis while it is away: a subscriber here must still get them.
    const events = collect<RunEvent>(junction.url, ADMIN_KEY, SUBSCRIPTION);
    try {
      await waitFor(
        () => sql<{ n: number }>(`SELECT coalesce(max(records_read), 0)::int AS n FROM sync_runs WHERE connection_id = $1 AND status = 'RUNNING'`, [sourceId]),
        (r) => r[0]!.n > 0,
        120_000,
        'the source run to make progress',
      );
      await killRedis(redis);
      redis = undefined;
      const heardBefore = events.events.length;
      await new Promise((r) => setTimeout(r, 3000));
      expect((await fetch(`${junction.url}/readyz`, { signal: AbortSignal.timeout(NO_HANG_MS) })).status).toBe(200);
      redis = await startPrivateRedis(REDIS!, port);

      await waitFor(async () => (await targetRecords()).length, (n) => n >= SYNCED, 240_000, `${SYNCED} people in the target`);
      await waitFor(() => sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`), (r) => r[0]!.n === 0, 60_000, 'an empty outbox');
      expect(events.events.length).toBeGreaterThan(heardBefore);
    } finally {
      await events.close();
    }
    expect(junction.child.pid).toBe(pid);
    expect(junction.child.exitCode).toBeNull();
    const records = await targetRecords();
    expect(records.map((r) => String(r.Email).toLowerCase()).sort()).toEqual(
      demoPeople(SYNCED, 19, 0)
        .map((p) => p.email.toLowerCase())
        .sort(),
    );
    expect(new Set(records.map((r) => r.Junction_Id__c)).size).toBe(SYNCED);
    expect(await sql(`SELECT id FROM sync_runs WHERE status = 'SUCCEEDED' AND (finished_at IS NULL OR progress < 1)`)).toEqual([]);
  });
});
