/**
 * Distributed work through pg-boss: every sync run is a pg-boss job; instances share the
 * queue but never run two runs of one connection at once; a transient failure is retried
 * after back-offs and then failed into the dead-letter queue and the error log; an `api`
 * instance queues runs but takes none; and the embedded database carries it all over its
 * one session.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJunction, type RunningJunction } from '../../src/app';
import { loadConfig } from '../../src/config';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS } from '../../src/process/events';
import { RUN_QUEUE, RunQueue } from '../../src/process/jobs/run-queue';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf, SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { openTestDatabase } from '../support/database';
import { waitFor } from '../support/junction-process';
import { FAST_RETRY, SANDBOX, startSyncHarness, type SyncHarness, useSyncHarness } from '../support/sync-harness';

interface JobRow {
  id: string;
  name: string;
  state: string;
  singleton_key: string | null;
  data: { runId: string; connectionId: string };
  output: Record<string, unknown> | null;
  start_after: Date;
}

const jobOf = async (db: { query(text: string, params: unknown[]): Promise<unknown> }, jobId: string) =>
  ((await db.query(`SELECT id, name, state, singleton_key, data, output, start_after FROM pgboss.job WHERE id = $1`, [jobId])) as JobRow[])[0];

/** Fetches from a queue until the wanted job comes (completing stray jobs other test files left behind). */
async function fetchJob(queue: RunQueue, jobId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const job = await queue.fetchRun();
    if (!job) throw new Error(`job ${jobId} was not fetchable`);
    if (job.id === jobId) return;
    await queue.complete(RUN_QUEUE, job.id, { skipped: 'left by an earlier test file' });
  }
  throw new Error(`job ${jobId} never came`);
}

describe('sync runs as pg-boss jobs', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ seed: 6, crms: ['HUBSPOT', 'SALESFORCE'] });
    await h.worker.drain();
  });
  afterAll(async () => h?.close());

  it('a triggered run is a job in pg-boss’s tables, keyed by its connection; a second trigger queues no second job', async () => {
    const hubspot = h.connectionIds.get('HUBSPOT')!;
    const run = runOf(await h.runs.trigger(hubspot, 'INCREMENTAL'));
    const again = await h.runs.trigger(hubspot, 'INCREMENTAL');
    expect(again).toMatchObject({ kind: 'ACTIVE', run: { id: run.id } });
    // Another mode is never answered with this run: nothing is queued and the caller is told.
    expect(await h.runs.trigger(hubspot, 'BULK')).toMatchObject({ kind: 'CONFLICT', active: { id: run.id } });

    const [row] = (await h.db.dataSource.query(`SELECT job_id FROM sync_runs WHERE id = $1`, [run.id])) as Array<{ job_id: string }>;
    const job = await jobOf(h.db.dataSource, row!.job_id);
    expect(job).toMatchObject({ name: RUN_QUEUE, state: 'created', singleton_key: hubspot, data: { runId: run.id, connectionId: hubspot } });
    const live = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed'`, [
      RUN_QUEUE,
      hubspot,
    ])) as Array<{ n: number }>;
    expect(live[0]!.n).toBe(1);

    await h.worker.drain();
    expect((await h.runs.get(run.id))!.status).toBe('SUCCEEDED');
    expect((await jobOf(h.db.dataSource, row!.job_id))!.state).toBe('completed');
  });

  it('a run whose worker died (no heartbeat) becomes INTERRUPTED; its job is settled and the next attempt runs', async () => {
    const salesforce = h.connectionIds.get('SALESFORCE')!;
    const run = runOf(await h.runs.trigger(salesforce, 'INCREMENTAL'));
    const [row] = (await h.db.dataSource.query(`SELECT job_id FROM sync_runs WHERE id = $1`, [run.id])) as Array<{ job_id: string }>;
    // What a worker SIGKILLed mid-run leaves: its job active, its run RUNNING with a heartbeat long past.
    await fetchJob(h.runs.queue, row!.job_id);
    await h.db.dataSource.query(`UPDATE sync_runs SET status = 'RUNNING', started_at = now(), heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [run.id]);

    await h.worker.reapStale();
    expect((await h.runs.get(run.id))!.status).toBe('INTERRUPTED');
    const old = await jobOf(h.db.dataSource, row!.job_id);
    expect(old).toMatchObject({ state: 'completed' });
    const nextRunId = old!.output!.nextRunId as string;
    expect(await h.db.dataSource.query(`SELECT status, attempt FROM sync_runs WHERE id = $1`, [nextRunId])).toEqual([{ status: 'QUEUED', attempt: 2 }]);

    await waitFor(
      async () => (await h.worker.drain(), (await h.runs.get(nextRunId))!.status),
      (s) => s === 'SUCCEEDED',
      20_000,
      'the next attempt to succeed',
    );
    expect(await h.db.dataSource.query(`SELECT id FROM sync_runs WHERE status = 'SUCCEEDED' AND id = $1`, [run.id])).toEqual([]);
  });

  /** A HubSpot run whose job a worker fetched an hour ago and was then SIGKILLed: the job is still active. */
  const jobLeftActive = async () => {
    const run = runOf(await h.runs.trigger(h.connectionIds.get('HUBSPOT')!, 'INCREMENTAL'));
    const [row] = (await h.db.dataSource.query(`SELECT job_id FROM sync_runs WHERE id = $1`, [run.id])) as Array<{ job_id: string }>;
    await fetchJob(h.runs.queue, row!.job_id);
    await h.db.dataSource.query(`UPDATE pgboss.job SET started_on = now() - interval '1 hour' WHERE id = $1`, [row!.job_id]);
    return { run, jobId: row!.job_id };
  };
  const succeeds = (runId: string) =>
    waitFor(async () => (await h.worker.drain(), (await h.runs.get(runId))!.status), (s) => s === 'SUCCEEDED', 20_000, `run ${runId} to be taken and succeed`);

  it('a job whose worker died between fetching it and starting its run is handed out again, and the run goes on', async () => {
    // Killed between the fetch and the claim: the run is still QUEUED.
    const { run, jobId } = await jobLeftActive();
    expect(await h.runs.queue.fetchRun()).toBeUndefined();

    await h.worker.reapStale();
    expect(await jobOf(h.db.dataSource, jobId)).toMatchObject({ state: 'created' });
    await succeeds(run.id);
  });

  it('a job whose worker died after its run finished but before settling it is settled, and the connection runs again', async () => {
    // Killed between recording the run's end and completing its job.
    const { run, jobId } = await jobLeftActive();
    await h.db.dataSource.query(`UPDATE sync_runs SET status = 'SUCCEEDED', started_at = now() - interval '1 hour', finished_at = now() - interval '1 hour' WHERE id = $1`, [run.id]);
    // pg-boss hands out no job of the connection while that one is active.
    const next = runOf(await h.runs.trigger(h.connectionIds.get('HUBSPOT')!, 'INCREMENTAL'));
    expect(await h.worker.drain()).toBe(0);

    await h.worker.reapStale();
    expect(await jobOf(h.db.dataSource, jobId)).toMatchObject({ state: 'completed' });
    await succeeds(next.id);
  });

  // A second instance needs a second session: the embedded server serves one.
  describe.skipIf(inject('embeddedDatabase'))('two worker instances', () => {
    let db2: Database;
    let connections2: ConnectionService;
    let runs2: SyncRunService;
    let worker2: SyncWorker;
    beforeAll(async () => {
      db2 = await openTestDatabase();
      connections2 = new ConnectionService(db2.dataSource, h.cipher, { redisUrl: inject('redisUrl') || undefined, adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 } });
      runs2 = new SyncRunService(db2.dataSource, NO_EVENTS);
      const workerId = randomUUID();
      worker2 = new SyncWorker(db2.dataSource, new SyncEngine({ db: db2.dataSource, connections: connections2, events: NO_EVENTS, workerId }), runs2, {
        workerId,
        intervalMs: 60_000,
      });
    });
    afterAll(async () => {
      await worker2?.stop();
      await runs2?.queue.stop();
      await connections2?.close();
      await db2?.close();
    });

    it('pg-boss never makes two jobs of one connection active at once, whichever instance fetches', async () => {
      expect(runs2.queue).not.toBe(h.runs.queue);
      const hubspot = h.connectionIds.get('HUBSPOT')!;
      const run = runOf(await h.runs.trigger(hubspot, 'INCREMENTAL'));
      const [row] = (await h.db.dataSource.query(`SELECT job_id FROM sync_runs WHERE id = $1`, [run.id])) as Array<{ job_id: string }>;
      await fetchJob(h.runs.queue, row!.job_id);
      // A racing instance queues a second job for the same connection; while the first is active it is not handed out.
      const strayJobId = randomUUID();
      await db2.dataSource.transaction((m) => runs2.queue.enqueue(m, { runId: randomUUID(), connectionId: hubspot, jobId: strayJobId }));
      expect(await runs2.queue.fetchRun()).toBeUndefined();
      await h.runs.queue.complete(RUN_QUEUE, row!.job_id, { done: 'by the test' });
      expect((await runs2.queue.fetchRun())?.id).toBe(strayJobId);
      await runs2.queue.complete(RUN_QUEUE, strayJobId, { done: 'by the test' });
      await h.db.dataSource.query(`DELETE FROM sync_runs WHERE id = $1`, [run.id]);
    });

    it('runs triggered from both instances and drained by both never overlap for one connection', { timeout: 120_000 }, async () => {
      for (const e of h.emulators.values()) await fetch(`${e.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 40 }) });
      const ids = [...h.connectionIds.values()];
      for (let round = 0; round < 6; round++) {
        // Each instance tries to queue a run of each connection: one run per connection comes of it.
        const triggered = await Promise.all(ids.flatMap((id) => [h.runs.trigger(id, 'INCREMENTAL'), runs2.trigger(id, 'INCREMENTAL')]));
        for (let i = 0; i < triggered.length; i += 2) expect(runOf(triggered[i]!).id).toBe(runOf(triggered[i + 1]!).id);
        h.emulators.get('HUBSPOT')!.seed(demoPeople(2, 100 + round, 1000 + round * 2));
        await Promise.all([h.worker.drain(), worker2.drain()]);
      }
      for (const e of h.emulators.values()) await fetch(`${e.url}/_emulator/faults`, { method: 'DELETE' });

      const runs = (await h.db.dataSource.query(
        `SELECT connection_id, status, worker_id, started_at, finished_at FROM sync_runs WHERE started_at IS NOT NULL ORDER BY connection_id, started_at`,
      )) as Array<{ connection_id: string; status: string; worker_id: string; started_at: Date; finished_at: Date | null }>;
      expect(runs.filter((r) => r.status !== 'SUCCEEDED' && r.status !== 'INTERRUPTED')).toEqual([]);
      for (let i = 1; i < runs.length; i++) {
        const [before, after] = [runs[i - 1]!, runs[i]!];
        if (before.connection_id !== after.connection_id) continue;
        expect(after.started_at.getTime()).toBeGreaterThanOrEqual(before.finished_at!.getTime());
      }
      // Both instances took work from the one queue.
      expect(new Set(runs.map((r) => r.worker_id)).size).toBeGreaterThanOrEqual(2);
    });

    it('two started instances schedule once per interval between them', { timeout: 60_000 }, async () => {
      const since = new Date();
      const scheduler = (db: Database, runs: SyncRunService, connections: ConnectionService) => {
        const workerId = randomUUID();
        return new SyncWorker(db.dataSource, new SyncEngine({ db: db.dataSource, connections, events: NO_EVENTS, workerId }), runs, { workerId, intervalMs: 1000 });
      };
      const a = scheduler(h.db, h.runs, h.connections);
      const b = scheduler(db2, runs2, connections2);
      a.start();
      b.start();
      try {
        await waitFor(
          async () => (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-schedule' AND state = 'completed' AND created_on >= $1`, [since])) as Array<{ n: number }>,
          (r) => r[0]!.n >= 4,
          30_000,
          'four schedule ticks',
        );
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      // Each instance offers a tick every second; pg-boss keeps one per one-second slot.
      const perSlot = (await h.db.dataSource.query(
        `SELECT singleton_on, count(*)::int AS n FROM pgboss.job WHERE name = 'sync-schedule' AND created_on >= $1 GROUP BY singleton_on`,
        [since],
      )) as Array<{ singleton_on: Date; n: number }>;
      expect(perSlot.length).toBeGreaterThanOrEqual(4);
      expect(perSlot.filter((s) => s.n !== 1)).toEqual([]);
    });
  });
});

describe('a transient failure through the queue', () => {
  const h = useSyncHarness({ seed: { SALESFORCE: 3 }, circuit: { failureThreshold: 1000 }, runRetry: { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 1000 } });

  it('is retried as delayed next-attempt jobs with growing back-off, then failed into the dead-letter queue and logged', { timeout: 60_000 }, async () => {
    await h.faults('SALESFORCE', { rate5xx: 1 });
    const settled = await h.syncUntilSettled('SALESFORCE');
    expect(settled.map((r) => [r.status, r.attempt])).toEqual([
      ['FAILED', 1],
      ['FAILED', 2],
      ['FAILED', 3],
    ]);
    const runs = await h.sql<{ id: string; job_id: string; started_at: Date; finished_at: Date }>(
      `SELECT id, job_id, started_at, finished_at FROM sync_runs WHERE connection_id = $1 ORDER BY attempt`,
      [h.connectionIds.get('SALESFORCE')],
    );
    const jobs = await Promise.all(runs.map((r) => jobOf(h.db.dataSource, r.job_id)));
    expect(new Set(jobs.map((j) => j!.id)).size).toBe(3);
    // Attempts 1 and 2 hand over to the next attempt's job, which pg-boss holds back for 300 ms, then 600 ms.
    expect(jobs.map((j) => j!.state)).toEqual(['completed', 'completed', 'failed']);
    expect(jobs[0]!.output).toMatchObject({ nextRunId: runs[1]!.id });
    expect(jobs[1]!.output).toMatchObject({ nextRunId: runs[2]!.id });
    expect(jobs[1]!.start_after.getTime() - runs[0]!.finished_at.getTime()).toBeGreaterThanOrEqual(300);
    expect(jobs[2]!.start_after.getTime() - runs[1]!.finished_at.getTime()).toBeGreaterThanOrEqual(600);
    expect(runs[1]!.started_at.getTime()).toBeGreaterThanOrEqual(jobs[1]!.start_after.getTime());
    expect(runs[2]!.started_at.getTime()).toBeGreaterThanOrEqual(jobs[2]!.start_after.getTime());

    // The last attempt's job failed for good; pg-boss copied it into the dead-letter queue, whose job the worker recorded.
    expect(jobs[2]!.output).toMatchObject({ runId: runs[2]!.id, errorClass: 'SERVER', attempts: 3 });
    const dead = await h.sql<{ state: string; output: { recorded: { errorClass: string; attempts: number } } }>(
      `SELECT state, output FROM pgboss.job WHERE name = 'sync-run-dead' AND data->>'runId' = $1`,
      [runs[2]!.id],
    );
    expect(dead).toEqual([{ state: 'completed', output: { recorded: expect.objectContaining({ errorClass: 'SERVER', attempts: 3 }) } }]);
    const logged = await h.sql(`SELECT run_id, error_class, attempts FROM sync_errors WHERE code = 'DEAD_LETTER'`);
    expect(logged).toEqual([{ run_id: runs[2]!.id, error_class: 'SERVER', attempts: 3 }]);
  });
});

describe('JUNCTION_ROLE', () => {
  const masterKey = generateMasterKey();
  let emulator: RunningEmulator;
  let dataDir: string;
  let junction: RunningJunction | undefined;
  const start = (role: string) => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl') || undefined,
      HOST: '127.0.0.1',
      JUNCTION_ROLE: role,
      JUNCTION_EMULATORS: 'none',
      JUNCTION_MASTER_KEY: masterKey,
      JUNCTION_SYNC_INTERVAL_MS: '60000',
      JUNCTION_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    });
    config.http.port = 0;
    return startJunction(config, { adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 }, singleSessionDatabase: inject('embeddedDatabase') });
  };
  beforeAll(async () => {
    [emulator] = await startEmulators({ crms: ['HUBSPOT'], seed: 4, defaultPorts: false });
    dataDir = mkdtempSync(join(tmpdir(), 'junction-roles-'));
  });
  afterAll(async () => {
    await junction?.close();
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('api queues a run but takes no job; worker serves no GraphQL and takes it', { timeout: 60_000 }, async () => {
    junction = await start('api');
    expect(junction.url).toBeDefined();
    expect(junction.worker).toBeUndefined();
    const db = junction.database.dataSource;
    const connection = await new ConnectionService(db, new CredentialsCipher(masterKey)).create({ name: `roles ${randomUUID()}`, kind: 'HUBSPOT', baseUrl: emulator.url, credentials: SANDBOX });
    const run = runOf(await new SyncRunService(db, NO_EVENTS).trigger(connection.id, 'INCREMENTAL'));
    const [row] = (await db.query(`SELECT job_id FROM sync_runs WHERE id = $1`, [run.id])) as Array<{ job_id: string }>;
    // Several of a worker's poll intervals pass: the job is still waiting, the run still queued.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await jobOf(db, row!.job_id))!.state).toBe('created');
    expect((await new SyncRunService(db, NO_EVENTS).get(run.id))!.status).toBe('QUEUED');
    await junction.close();
    junction = undefined;

    junction = await start('worker');
    expect(junction.url).toBeUndefined();
    expect(junction.worker).toBeDefined();
    const wdb = junction.database.dataSource;
    const status = await waitFor(
      async () => ((await wdb.query(`SELECT status FROM sync_runs WHERE id = $1`, [run.id])) as Array<{ status: string }>)[0]!.status,
      (s) => s === 'SUCCEEDED',
      30_000,
      'the queued run to be taken by the worker',
    );
    expect(status).toBe('SUCCEEDED');
    // The worker completes the job right after the run's row is final.
    const job = await waitFor(() => jobOf(wdb, row!.job_id), (j) => j?.state === 'completed', 10_000, 'the job to be completed');
    expect(job).toMatchObject({ state: 'completed', output: { status: 'SUCCEEDED', nextRunId: null } });
  });
});

// When the suite itself runs on embedded PostgreSQL every test above took that route; on a
// PostgreSQL server this starts a Junction on its own embedded database once.
describe.skipIf(inject('embeddedDatabase'))('embedded PostgreSQL (one session)', () => {
  let dataDir: string;
  let junction: RunningJunction | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'junction-embedded-queue-'));
  });
  afterAll(async () => {
    await junction?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pg-boss shares the one session: scheduled runs of both CRMs go through jobs and succeed', { timeout: 120_000 }, async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      JUNCTION_EMULATORS: 'salesforce,hubspot',
      JUNCTION_SEED: '5',
      JUNCTION_SYNC_INTERVAL_MS: '60000',
      JUNCTION_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    });
    config.http.port = 0;
    junction = await startJunction(config, { randomEmulatorPorts: true, adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 } });
    expect(junction.database.embedded).toBe(true);
    const db = junction.database.dataSource;
    const done = await waitFor(
      async () =>
        (await db.query(
          // The run's row is SUCCEEDED a moment before the worker completes its job: wait for both.
          `SELECT r.connection_id, j.state FROM sync_runs r JOIN pgboss.job j ON j.id = r.job_id WHERE r.status = 'SUCCEEDED' AND j.name = $1 AND j.state = 'completed'`,
          [RUN_QUEUE],
        )) as Array<{ connection_id: string; state: string }>,
      (rows) => new Set(rows.map((r) => r.connection_id)).size === 2,
      90_000,
      'a succeeded run of each connection',
    );
    expect(new Set(done.map((r) => r.connection_id)).size).toBe(2);
  });
});
