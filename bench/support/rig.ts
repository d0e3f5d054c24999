/**
 * The bench's sync rig, like test/support/sync-harness.ts but outside vitest: in-process
 * emulators on free ports (optionally behind counting proxies), a fresh database, real
 * adapters over HTTP, and the real sync engine and worker.
 */
import { randomUUID } from 'node:crypto';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS, type EventBus } from '../../src/process/events';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { SyncRunEntity } from '../../src/process/store/entities';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf, SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { startEmulators, type CrmKind, type RunningEmulator } from '../../src/system';
import type { DemoPerson } from '../../src/system/demo-data/people';
import { createBenchDatabase, createEmbeddedBenchDatabase, REDIS_URL, type BenchDatabase } from './db';
import { startCountingProxy, type CountingProxy } from './proxy';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };

export interface RigOptions {
  crms: CrmKind[];
  proxy?: boolean;
  /** Scheduler interval when the worker is started (latency scenario). */
  intervalMs?: number;
  events?: EventBus;
  /** Transport retry policy; the adapter default (with Retry-After honoured) when omitted. */
  retry?: { maxRetries: number; baseDelayMs: number; maxDelayMs: number; jitter: number };
  /** CRMs already running elsewhere (another process), by base URL: connected to, not started. */
  external?: Partial<Record<CrmKind, string>>;
  /** 'embedded': the store a new user gets (PGlite, no DATABASE_URL); PostgreSQL otherwise. */
  store?: 'postgres' | 'embedded';
}

export interface Rig {
  bench: BenchDatabase;
  emulators: Map<CrmKind, RunningEmulator>;
  proxies: Map<CrmKind, CountingProxy>;
  ids: Map<CrmKind, string>;
  connections: ConnectionService;
  runs: SyncRunService;
  worker: SyncWorker;
  sync(kind: CrmKind, mode?: SyncRunEntity['mode']): Promise<SyncRunEntity>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions): Promise<Rig> {
  const bench = options.store === 'embedded' ? await createEmbeddedBenchDatabase() : await createBenchDatabase();
  const started = await startEmulators({ seed: 0, defaultPorts: false, crms: options.crms });
  const emulators = new Map(started.map((e) => [e.kind, e]));
  const proxies = new Map<CrmKind, CountingProxy>();
  if (options.proxy) for (const e of started) proxies.set(e.kind, await startCountingProxy(e.url));
  const connections = new ConnectionService(bench.db.dataSource, new CredentialsCipher(generateMasterKey()), {
    redisUrl: REDIS_URL,
    adapterDefaults: { timeoutMs: 60_000, ...(options.retry ? { retry: options.retry } : {}) },
  });
  const ids = new Map<CrmKind, string>();
  for (const e of started) {
    const baseUrl = proxies.get(e.kind)?.url ?? e.url;
    ids.set(e.kind, (await connections.create({ name: `${e.kind} bench`, kind: e.kind, baseUrl, credentials: SANDBOX })).id);
  }
  for (const [kind, baseUrl] of Object.entries(options.external ?? {}) as Array<[CrmKind, string]>)
    ids.set(kind, (await connections.create({ name: `${kind} bench`, kind, baseUrl, credentials: SANDBOX })).id);
  const events = options.events ?? NO_EVENTS;
  const runs = new SyncRunService(bench.db.dataSource, events);
  const workerId = randomUUID();
  const engine = new SyncEngine({ db: bench.db.dataSource, connections, events, workerId });
  const worker = new SyncWorker(bench.db.dataSource, engine, runs, { workerId, intervalMs: options.intervalMs ?? 3_600_000 });
  return {
    bench,
    emulators,
    proxies,
    ids,
    connections,
    runs,
    worker,
    async sync(kind, mode = 'INCREMENTAL') {
      const run = runOf(await runs.trigger(ids.get(kind)!, mode));
      await worker.drain();
      return (await runs.get(run.id))!;
    },
    async close() {
      await worker.stop();
      await connections.close();
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await Promise.all(started.map((e) => e.close()));
      await bench.drop();
    },
  };
}

/** Demo people as customers' contacts (no leads), so every one is a Salesforce Contact. */
export function asContacts(people: DemoPerson[]): DemoPerson[] {
  return people.map((p) => ({ ...p, isLead: false }));
}

/** Seeds in slices so the event loop breathes (the proxy and timers keep running). */
export async function seedInSlices(emulator: RunningEmulator, people: DemoPerson[], slice = 5_000): Promise<void> {
  for (let i = 0; i < people.length; i += slice) {
    emulator.seed(people.slice(i, i + slice));
    await new Promise((r) => setImmediate(r));
  }
}
