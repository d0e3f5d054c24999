/**
 * The test harness: real emulators on free ports, the run's real database (emptied), real
 * adapters over HTTP, the sync engine and a worker whose clock a test can move — and, when
 * asked (`api`), the GraphQL server of harness.ts over the same database. Options layer on
 * sensible defaults: seed the CRMs alike (a number) or each with its own people (a record),
 * and tune the circuit, the retries, the credentials, run retries and the event bus.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS, type EventBus } from '../../src/process/events';
import type { RunRetrySettings } from '../../src/process/jobs/run-retry';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import type { SyncRunEntity } from '../../src/process/store/entities';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf, SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { demoPeople, startEmulators, type CircuitSettings, type CrmKind, type RunningEmulator, type SystemAdapter } from '../../src/system';
import type { StartEmulatorsOptions } from '../../src/system/emulators';
import type { RetrySettings } from '../../src/system/transport/retry-policy';
import { openTestDatabase, resetDatabase } from './database';
import { admin, FAST_RETRY as ADAPTER_RETRY, SANDBOX, type StatsSnapshot } from './emulators';
import { startHarness, type Harness, type HarnessOverrides } from './harness';
import { lazy } from './lazy';

export { SANDBOX };
/** The engine's adapters retry fast, with some jitter so concurrent retries spread. */
export const FAST_RETRY = { ...ADAPTER_RETRY, jitter: 0.2 };
/** Run-level retries off: each sync() is one run (the worker's default retries a failed run). */
export const ONE_ATTEMPT: Partial<RunRetrySettings> = { maxAttempts: 1 };

type RunMode = SyncRunEntity['mode'];

export interface SyncHarness {
  db: Database;
  emulators: Map<CrmKind, RunningEmulator>;
  connectionIds: Map<CrmKind, string>;
  connections: ConnectionService;
  /** The cipher the harness sealed credentials with (webhook checks need the client secret). */
  cipher: CredentialsCipher;
  runs: SyncRunService;
  worker: SyncWorker;
  /** The worker's and the run service's clock: real time until a test sets it (past a quota reset, into a sync window). */
  clock: { now: Date };
  /** The GraphQL server over the same database, when `api` was asked for. */
  api?: Harness;
  /** Queues and executes a run per connection, in registration order. */
  syncAll(mode?: RunMode): Promise<SyncRunEntity[]>;
  sync(kind: CrmKind, mode?: RunMode, dryRun?: boolean): Promise<SyncRunEntity>;
  /** Drains until no run is queued or running (retried attempts included); returns every run of the connection, oldest first. */
  syncUntilSettled(kind: CrmKind, mode?: RunMode, timeoutMs?: number): Promise<Array<{ status: string; error: string | null; attempt: number }>>;
  faults(kind: CrmKind, body: Record<string, unknown>): Promise<void>;
  clearFaults(kind: CrmKind): Promise<void>;
  emulatorStats(kind: CrmKind): Promise<StatsSnapshot>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The number a `SELECT count(*) n …` answers. */
  count(text: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export interface SyncHarnessOptions {
  /** A seed for every CRM's demo data (0 for none), or people per CRM: distinct people in each, none shared (the CRMs are then the record's keys). */
  seed: number | Partial<Record<CrmKind, number>>;
  /** With a numeric seed: the CRMs to start (default every registered one). */
  crms?: CrmKind[];
  settings?: StartEmulatorsOptions['settings'];
  circuit?: Partial<CircuitSettings>;
  retry?: RetrySettings;
  credentials?: Partial<Record<CrmKind, Partial<typeof SANDBOX>>>;
  /** Run-level retries (the worker's default unless given; ONE_ATTEMPT turns them off). */
  runRetry?: Partial<RunRetrySettings>;
  /** Where the engine and runs publish (a health monitor's bus); none by default. */
  events?: EventBus;
  /** Also start the GraphQL server over the same database (with these overrides). */
  api?: true | HarnessOverrides;
  /** A database of the test's own (an embedded one, say) instead of the run's test database; the harness closes it. */
  database?: Database;
}

async function startSeededEmulators(options: SyncHarnessOptions): Promise<RunningEmulator[]> {
  const { seed } = options;
  if (typeof seed === 'number') return startEmulators({ seed, defaultPorts: false, crms: options.crms, settings: options.settings });
  const started = await startEmulators({ seed: 0, defaultPorts: false, crms: Object.keys(seed) as CrmKind[], settings: options.settings });
  let offset = 0;
  for (const e of started) {
    const n = seed[e.kind] ?? 0;
    if (n > 0) e.seed(demoPeople(n, 7, offset));
    offset += n;
  }
  return started;
}

export async function startSyncHarness(options: SyncHarnessOptions): Promise<SyncHarness> {
  const db = options.database ?? (await openTestDatabase());
  await resetDatabase(db);
  const started = await startSeededEmulators(options);
  const emulators = new Map(started.map((e) => [e.kind, e]));
  const cipher = new CredentialsCipher(generateMasterKey());
  const connections = new ConnectionService(db.dataSource, cipher, {
    redisUrl: inject('redisUrl') || undefined,
    adapterDefaults: { retry: options.retry ?? FAST_RETRY, timeoutMs: 5000 },
    circuit: options.circuit,
  });
  const connectionIds = new Map<CrmKind, string>();
  for (const e of started) {
    const credentials = { ...SANDBOX, ...options.credentials?.[e.kind] };
    connectionIds.set(e.kind, (await connections.create({ name: `${e.kind} test`, kind: e.kind, baseUrl: e.url, credentials })).id);
  }
  // Creating a connection to a fresh emulator org provisioned it (autoProvision); tests count the vendor calls that come after.
  for (const e of started) await admin(e.url, 'DELETE', 'stats');
  const events = options.events ?? NO_EVENTS;
  let fixed: Date | undefined;
  const clock = {
    get now() {
      return fixed ?? new Date();
    },
    set now(at: Date) {
      fixed = at;
    },
  };
  const runs = new SyncRunService(db.dataSource, events, undefined, () => clock.now);
  const workerId = randomUUID();
  const engine = new SyncEngine({ db: db.dataSource, connections, events, workerId });
  const worker = new SyncWorker(db.dataSource, engine, runs, { workerId, intervalMs: 60_000, now: () => clock.now, runRetry: options.runRetry });
  const api = options.api ? await startHarness(db, options.api === true ? {} : options.api) : undefined;
  const sql = async <T>(text: string, params: unknown[] = []) => (await db.dataSource.query(text, params)) as T[];
  const sync = async (kind: CrmKind, mode: RunMode = 'INCREMENTAL', dryRun = false) => {
    const run = runOf(await runs.trigger(connectionIds.get(kind)!, mode, dryRun));
    await worker.drain();
    await connections.flushCircuitWrites();
    return (await runs.get(run.id))!;
  };
  const urlOf = (kind: CrmKind) => emulators.get(kind)!.url;
  return {
    db,
    emulators,
    connectionIds,
    connections,
    cipher,
    runs,
    worker,
    clock,
    api,
    sync,
    async syncAll(mode = 'INCREMENTAL') {
      const out: SyncRunEntity[] = [];
      for (const kind of emulators.keys()) out.push(await sync(kind, mode));
      return out;
    },
    async syncUntilSettled(kind, mode = 'INCREMENTAL', timeoutMs = 120_000) {
      const id = connectionIds.get(kind)!;
      await runs.trigger(id, mode);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await worker.drain();
        const [active] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1 AND status IN ('QUEUED','RUNNING')`, [id]);
        if (active!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`runs of ${kind} still active after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return sql(`SELECT status, error, attempt FROM sync_runs WHERE connection_id = $1 ORDER BY created_at`, [id]);
    },
    faults: async (kind, body) => void (await admin(urlOf(kind), 'POST', 'faults', body)),
    clearFaults: async (kind) => void (await admin(urlOf(kind), 'DELETE', 'faults')),
    emulatorStats: (kind) => admin<StatsSnapshot>(urlOf(kind), 'GET', 'stats'),
    sql,
    count: async (text, params = []) => Number((await sql<{ n: string | number }>(text, params))[0]!.n),
    async close() {
      await api?.close();
      await worker.stop();
      await connections.close();
      await Promise.all(started.map((e) => e.close()));
      await db.close();
    },
  };
}

/** A harness for the tests of the calling file (or describe block): started before them, closed after them. */
export function useSyncHarness(options: SyncHarnessOptions): SyncHarness {
  let h: SyncHarness | undefined;
  beforeAll(async () => {
    h = await startSyncHarness(options);
  });
  afterAll(async () => {
    await h?.close();
  });
  return lazy('the sync harness', () => h);
}

/**
 * How each CRM was called under faults, once it is checked that the calls were polite: none
 * inside a back-off window, and no call tried more than four times. Returns the 429s seen in
 * all, so a test can show the faults were really there, and logs what each CRM saw.
 */
export async function politeCalls(h: SyncHarness, kinds: CrmKind[], note: (kind: CrmKind) => string = () => ''): Promise<{ rateLimited: number }> {
  let rateLimited = 0;
  for (const kind of kinds) {
    const stats = await h.emulatorStats(kind);
    expect(stats.overLimit).toBe(0);
    rateLimited += stats.rateLimited;
    const adapter: SystemAdapter = h.connections.adapterFor((await h.connections.get(h.connectionIds.get(kind)!))!);
    expect(adapter.stats.maxAttempts).toBeLessThanOrEqual(4);
    console.log(
      `${kind}: ${stats.requests} requests, ${stats.rateLimited} × 429, ${stats.byStatus['503'] ?? 0} × 503, ${adapter.stats.retries} retries, max attempts ${adapter.stats.maxAttempts}${note(kind)}`,
    );
  }
  return { rateLimited };
}
