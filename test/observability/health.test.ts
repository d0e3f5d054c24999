/**
 * Health over SQL fixtures (rates, latency percentiles, errors by class, status), the
 * Health operation's window argument, and HealthChanged across two instances on one
 * Redis: a subscriber on instance A sees the health change a sync on instance B caused.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createJunctionPubSub } from '../../src/experience';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { startMonitoring } from '../../src/process/health/start-monitoring';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { startEmulators } from '../../src/system';
import { codes, gql, useHarness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { useDatabase } from '../support/database';
import { FAST_RETRY, SANDBOX } from '../support/sync-harness';
import { collect, waitFor } from './support';

const HEALTH = `query Health($window: String) {
  health(window: $window) {
    status successRate recordSuccessRate syncLatencyP50Ms syncLatencyP95Ms quarantineSize
    errorsByClass { errorClass count }
    connections { connection { id kind } status successRate runsFinished lastSuccessfulSyncAt apiUsageRatio circuit quarantineSize syncLatencyP50Ms errorsByClass { errorClass count } }
  }
}`;
const HEALTH_CHANGED = `subscription HealthChanged($connectionId: ID) {
  healthChanged(connectionId: $connectionId) { status successRate quarantineSize connections { connection { id } status circuit } }
}`;

interface HealthData {
  status: string;
  successRate: number | null;
  recordSuccessRate: number | null;
  syncLatencyP50Ms: number | null;
  syncLatencyP95Ms: number | null;
  quarantineSize: number;
  errorsByClass: Array<{ errorClass: string; count: number }>;
  connections: Array<{ connection: { id: string }; status: string; successRate: number | null; runsFinished: number; apiUsageRatio: number | null; circuit: string; quarantineSize: number; syncLatencyP50Ms: number | null; errorsByClass: Array<{ errorClass: string; count: number }> }>;
}

const db = useDatabase();
const h = useHarness(db, { redisUrl: inject('redisUrl') || undefined });
let viewer: string;

beforeAll(async () => {
  viewer = await h.keyFor('VIEWER');
});

const ago = (ms: number) => new Date(Date.now() - ms);
const MIN = 60_000;

describe('Health', () => {
  it('computes rates, latency percentiles, errors by class, quarantine and status per connection and overall', async () => {
    const ds = db.dataSource;
    const a = await insertConnection(ds, { name: 'health-a', api_used: 300, api_limit: 1000, last_successful_sync_at: ago(MIN) });
    const b = await insertConnection(ds, { name: 'health-b', kind: 'HUBSPOT' });
    const run = (conn: string, status: string, finishedAgo: number, read = 10, failed = 0, quarantined = 0) =>
      ds.query(
        `INSERT INTO sync_runs (connection_id, mode, status, started_at, finished_at, records_read, records_failed, records_quarantined) VALUES ($1, 'INCREMENTAL', $2, $3, $3, $4, $5, $6)`,
        [conn, status, ago(finishedAgo), read, failed, quarantined],
      );
    // a: 3 of 4 runs succeeded in the last hour (the last one too); one failure 3 h ago is outside 1h.
    await run(a, 'FAILED', 40 * MIN, 0);
    await run(a, 'SUCCEEDED', 30 * MIN, 10, 0, 2);
    await run(a, 'SUCCEEDED', 20 * MIN);
    await run(a, 'SUCCEEDED', 10 * MIN);
    await run(a, 'FAILED', 180 * MIN);
    // b: its last run failed.
    await run(b, 'SUCCEEDED', 50 * MIN);
    await run(b, 'FAILED', 5 * MIN, 0);
    // Deliveries to a: latencies 1..10 s; one without a source time does not count.
    for (let s = 1; s <= 10; s++)
      await ds.query(`INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at, delivered_at) VALUES ($1, 'CONTACT', $2, $3, $4)`, [a, randomUUID(), ago(5 * MIN + s * 1000), ago(5 * MIN)]);
    await ds.query(`INSERT INTO outbox (connection_id, record_kind, record_id, delivered_at) VALUES ($1, 'CONTACT', $2, $3)`, [a, randomUUID(), ago(5 * MIN)]);
    await ds.query(
      `INSERT INTO sync_errors (connection_id, fingerprint, error_class, code, message, occurrences, last_seen_at) VALUES
       ($1, 'f1', 'RATE_LIMIT', '429', 'slow down', 3, $3), ($1, 'f2', 'SERVER', '500', 'boom', 1, $3), ($2, 'f3', 'SERVER', '503', 'down', 2, $3), ($2, 'f4', 'TIMEOUT', 't', 'old', 9, $4)`,
      [a, b, ago(MIN), ago(5 * 60 * MIN)],
    );
    await ds.query(`INSERT INTO quarantine (connection_id, record_kind, remote_id, payload, issues) VALUES ($1, 'CONTACT', 'q1', '{}', '[]'), ($1, 'CONTACT', 'q2', '{}', '[]')`, [a]);
    await ds.query(`INSERT INTO quarantine (connection_id, record_kind, remote_id, payload, issues, status) VALUES ($1, 'CONTACT', 'q3', '{}', '[]', 'RESOLVED')`, [a]);

    const res = await gql<{ health: HealthData }>(h.url, HEALTH, { window: '1h' }, viewer);
    expect(res.body.errors).toBeUndefined();
    const health = res.body.data!.health;
    expect(health.status).toBe('FAILING');
    expect(health.successRate).toBeCloseTo(4 / 6);
    expect(health.recordSuccessRate).toBeCloseTo(1 - 2 / 40);
    // percentile_cont over 1000..10000 ms.
    expect(health.syncLatencyP50Ms).toBe(5500);
    expect(health.syncLatencyP95Ms).toBe(9550);
    expect(health.quarantineSize).toBe(2);
    expect(health.errorsByClass).toEqual([{ errorClass: 'RATE_LIMIT', count: 3 }, { errorClass: 'SERVER', count: 3 }]);
    const ca = health.connections.find((c) => c.connection.id === a)!;
    const cb = health.connections.find((c) => c.connection.id === b)!;
    expect(ca).toMatchObject({ status: 'DEGRADED', runsFinished: 4, apiUsageRatio: 0.3, circuit: 'CLOSED', quarantineSize: 2, syncLatencyP50Ms: 5500 });
    expect(ca.successRate).toBeCloseTo(0.75);
    expect(cb).toMatchObject({ status: 'FAILING', successRate: 0.5, quarantineSize: 0, syncLatencyP50Ms: null });
    expect(cb.errorsByClass).toEqual([{ errorClass: 'SERVER', count: 2 }]);

    // A wider window takes in the older failure and error.
    const wide = (await gql<{ health: HealthData }>(h.url, HEALTH, { window: '24h' }, viewer)).body.data!.health;
    expect(wide.connections.find((c) => c.connection.id === a)!.runsFinished).toBe(5);
    expect(wide.errorsByClass.find((e) => e.errorClass === 'TIMEOUT')?.count).toBe(9);
    await ds.query(`DELETE FROM connections`);
  });

  it('adds failed calls, recovered and final, to errorsByClass beside the error log, over the window', async () => {
    const ds = db.dataSource;
    const a = await insertConnection(ds, { name: 'health-calls' });
    const minute = (agoMs: number) => new Date(Math.floor((Date.now() - agoMs) / MIN) * MIN);
    await ds.query(`INSERT INTO sync_errors (connection_id, fingerprint, error_class, code, message, occurrences, last_seen_at) VALUES ($1, 'c1', 'SERVER', '503', 'down', 1, $2)`, [a, ago(MIN)]);
    await ds.query(
      `INSERT INTO call_failures (bucket_at, connection_id, error_class, recovered, run_id, calls) VALUES
       ($2, $1, 'RATE_LIMIT', true, NULL, 7), ($3, $1, 'RATE_LIMIT', true, gen_random_uuid(), 5), ($3, $1, 'SERVER', true, NULL, 2), ($3, $1, 'SERVER', false, NULL, 4),
       ($4, $1, 'RATE_LIMIT', true, NULL, 100)`,
      [a, minute(2 * MIN), minute(10 * MIN), minute(3 * 60 * MIN)],
    );
    const query = `query { health(window: "1h") { errorsByClass { errorClass count recovered final } connections { connection { id } errorsByClass { errorClass count recovered final } } } }`;
    const res = await gql<{ health: { errorsByClass: unknown[]; connections: Array<{ connection: { id: string }; errorsByClass: unknown[] }> } }>(h.url, query, {}, viewer);
    expect(res.body.errors).toBeUndefined();
    // The error log's classes first; the 3 h old minute is outside the window.
    const expected = [
      { errorClass: 'SERVER', count: 1, recovered: 2, final: 4 },
      { errorClass: 'RATE_LIMIT', count: 0, recovered: 12, final: 0 },
    ];
    expect(res.body.data!.health.errorsByClass).toEqual(expected);
    expect(res.body.data!.health.connections.find((c) => c.connection.id === a)!.errorsByClass).toEqual(expected);
    await ds.query(`DELETE FROM connections`);
  });

  it('logs each request with its correlation id, returned as x-request-id', async () => {
    const res = await fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` }, body: JSON.stringify({ query: 'query Probe { health { status } }', operationName: 'Probe' }) });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = h.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === requestId);
    expect(line).toMatchObject({ msg: 'graphql request', operationName: 'Probe', role: 'VIEWER' });
  });

  it('rejects a malformed window and needs a key', async () => {
    expect(codes(await gql(h.url, HEALTH, { window: 'yesterday' }, viewer))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(h.url, HEALTH, { window: '1h' }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('HealthChanged across instances', () => {
  it.skipIf(!inject('redisUrl'))('a subscriber on instance A receives the health change caused by a sync on instance B', async () => {
    const redisUrl = inject('redisUrl');
    const [emulator] = await startEmulators({ seed: 5, defaultPorts: false, crms: ['SALESFORCE'] });
    // Instance B: its own pub/sub clients, connection service, worker and monitor.
    const busB = createJunctionPubSub(redisUrl);
    const connections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()), { adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 } });
    const monitoring = startMonitoring({ db: db.dataSource, events: busB.events, intervalMs: 60_000 });
    const runs = new SyncRunService(db.dataSource, monitoring.events);
    const workerId = randomUUID();
    const worker = new SyncWorker(db.dataSource, new SyncEngine({ db: db.dataSource, connections, events: monitoring.events, workerId }), runs, { workerId, intervalMs: 60_000 });
    const sub = collect<{ healthChanged: HealthData }>(h.url, viewer, HEALTH_CHANGED);
    try {
      const conn = await connections.create({ name: 'sf instance B', kind: 'SALESFORCE', baseUrl: emulator!.url, credentials: SANDBOX });
      // Live once an event published on B comes back through Redis to A's subscriber.
      await waitFor('the subscription to be live', () => {
        busB.events.publish('HEALTH_CHANGED', { at: new Date().toISOString() });
        return sub.events.length > 0 || undefined;
      });
      const before = sub.events.length;
      expect(sub.events[0]!.healthChanged.successRate).toBeNull(); // no run has finished yet
      await runs.trigger(conn.id, 'INCREMENTAL', false);
      await worker.drain();
      const event = await waitFor('HealthChanged on instance A', () => sub.events.slice(before).map((e) => e.healthChanged).find((e) => e.successRate === 1)).catch((err: unknown) => {
        throw new Error(`${String(err)}: ${JSON.stringify(sub.events)}`);
      });
      expect(event.connections.find((c) => c.connection.id === conn.id)).toMatchObject({ status: 'HEALTHY', circuit: 'CLOSED' });
      expect(event.status).toBe('HEALTHY');
    } finally {
      await sub.close();
      await worker.stop();
      await monitoring.close();
      await connections.close();
      await busB.close();
      await emulator!.close();
    }
  });
});
