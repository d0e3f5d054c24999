/**
 * The resilience harness: real emulators on free ports (each seeded separately, so one can
 * be the source and another the target), the run's real database, real adapters with a
 * configurable circuit breaker, the sync engine and a worker whose clock a test can move.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS, type EventBus } from '../../src/process/events';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import type { SyncRunEntity } from '../../src/process/store/entities';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf, SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { demoPeople, startEmulators, type CircuitSettings, type CrmKind, type RunningEmulator } from '../../src/system';
import type { RetrySettings } from '../../src/system/transport/retry-policy';
import type { RunRetrySettings } from '../../src/process/jobs/run-retry';
import { openTestDatabase, resetDatabase } from '../support/database';
import { FAST_RETRY, SANDBOX } from '../support/sync-harness';

export interface ResilienceHarness {
  db: Database;
  emulators: Map<CrmKind, RunningEmulator>;
  ids: Map<CrmKind, string>;
  connections: ConnectionService;
  runs: SyncRunService;
  worker: SyncWorker;
  /** The worker's clock; tests move it (e.g. past a quota reset). */
  clock: { now: Date };
  sync(kind: CrmKind, mode?: SyncRunEntity['mode']): Promise<SyncRunEntity>;
  /** Drains until no run is queued or running (retried attempts included); returns every run of the connection, oldest first. */
  syncUntilSettled(kind: CrmKind, mode?: SyncRunEntity['mode'], timeoutMs?: number): Promise<Array<{ status: string; error: string | null; attempt: number }>>;
  faults(kind: CrmKind, body: Record<string, unknown>): Promise<void>;
  clearFaults(kind: CrmKind): Promise<void>;
  emulatorStats(kind: CrmKind): Promise<{ requests: number; overLimit: number; rateLimited: number; byStatus: Record<string, number> }>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface ResilienceOptions {
  /** People seeded per CRM (0 for none); distinct people per CRM, none shared. */
  seed: Partial<Record<CrmKind, number>>;
  circuit?: Partial<CircuitSettings>;
  retry?: RetrySettings;
  credentials?: Partial<Record<CrmKind, Partial<typeof SANDBOX>>>;
  /** Run-level retries; off (1 attempt) unless a test asks, so each sync() is one run. */
  runRetry?: Partial<RunRetrySettings>;
  /** Where the engine and runs publish (a health monitor's bus); none by default. */
  events?: EventBus;
}

export async function startResilienceHarness(options: ResilienceOptions): Promise<ResilienceHarness> {
  const db = await openTestDatabase();
  await resetDatabase(db);
  const kinds = Object.keys(options.seed) as CrmKind[];
  const started = await startEmulators({ seed: 0, defaultPorts: false, crms: kinds });
  let offset = 0;
  for (const e of started) {
    const n = options.seed[e.kind] ?? 0;
    if (n > 0) e.seed(demoPeople(n, 7, offset));
    offset += n;
  }
  const emulators = new Map(started.map((e) => [e.kind, e]));
  const connections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()), {
    redisUrl: inject('redisUrl') || undefined,
    adapterDefaults: { retry: options.retry ?? FAST_RETRY, timeoutMs: 5000 },
    circuit: options.circuit,
  });
  const ids = new Map<CrmKind, string>();
  for (const e of started) {
    const credentials = { ...SANDBOX, ...options.credentials?.[e.kind] };
    ids.set(e.kind, (await connections.create({ name: `${e.kind} resilience`, kind: e.kind, baseUrl: e.url, credentials })).id);
  }
  const events = options.events ?? NO_EVENTS;
  const runs = new SyncRunService(db.dataSource, events);
  const workerId = randomUUID();
  const clock = { now: new Date() };
  const engine = new SyncEngine({ db: db.dataSource, connections, events, workerId });
  const worker = new SyncWorker(db.dataSource, engine, runs, {
    workerId,
    intervalMs: 60_000,
    now: () => clock.now,
    runRetry: options.runRetry ?? { maxAttempts: 1 },
  });
  const admin = async (kind: CrmKind, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulators.get(kind)!.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as unknown);
  };
  return {
    db,
    emulators,
    ids,
    connections,
    runs,
    worker,
    clock,
    async sync(kind, mode = 'INCREMENTAL') {
      const run = runOf(await runs.trigger(ids.get(kind)!, mode));
      await worker.drain();
      await connections.flushCircuitWrites();
      return (await runs.get(run.id))!;
    },
    async syncUntilSettled(kind, mode = 'INCREMENTAL', timeoutMs = 120_000) {
      const id = ids.get(kind)!;
      await runs.trigger(id, mode);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await worker.drain();
        const active = (await db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1 AND status IN ('QUEUED','RUNNING')`, [
          id,
        ])) as Array<{ n: number }>;
        if (active[0]!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`runs of ${kind} still active after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return (await db.dataSource.query(`SELECT status, error, attempt FROM sync_runs WHERE connection_id = $1 ORDER BY created_at`, [id])) as never;
    },
    faults: async (kind, body) => void (await admin(kind, 'POST', '/_emulator/faults', body)),
    clearFaults: async (kind) => void (await admin(kind, 'DELETE', '/_emulator/faults')),
    emulatorStats: async (kind) => (await admin(kind, 'GET', '/_emulator/stats')) as never,
    sql: async (text, params = []) => (await db.dataSource.query(text, params)) as never,
    async close() {
      await worker.stop();
      await connections.close();
      await Promise.all(started.map((e) => e.close()));
      await db.close();
    },
  };
}
