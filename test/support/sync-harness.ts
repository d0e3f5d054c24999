/**
 * A process-tier harness: real emulators on free ports, the run's real database, real
 * adapters over HTTP, and the sync engine and worker — no GraphQL.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS } from '../../src/process/events';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import { SyncRunEntity } from '../../src/process/store/entities';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf, SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { startEmulators, type CrmKind, type RunningEmulator } from '../../src/system';
import type { StartEmulatorsOptions } from '../../src/system/emulators';
import { openTestDatabase, resetDatabase } from './database';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };
export const FAST_RETRY = { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 100, jitter: 0.2 };

export interface SyncHarness {
  db: Database;
  emulators: Map<CrmKind, RunningEmulator>;
  connectionIds: Map<CrmKind, string>;
  connections: ConnectionService;
  /** The cipher the harness sealed credentials with (webhook checks need the client secret). */
  cipher: CredentialsCipher;
  runs: SyncRunService;
  worker: SyncWorker;
  /** Queues and executes a run per connection, in registration order. */
  syncAll(mode?: SyncRunEntity['mode']): Promise<SyncRunEntity[]>;
  sync(kind: CrmKind, mode?: SyncRunEntity['mode'], dryRun?: boolean): Promise<SyncRunEntity>;
  close(): Promise<void>;
}

export async function startSyncHarness(options: { seed: number; crms?: CrmKind[]; settings?: StartEmulatorsOptions['settings'] }): Promise<SyncHarness> {
  const db = await openTestDatabase();
  await resetDatabase(db);
  const started = await startEmulators({ seed: options.seed, defaultPorts: false, crms: options.crms, settings: options.settings });
  const emulators = new Map(started.map((e) => [e.kind, e]));
  const cipher = new CredentialsCipher(generateMasterKey());
  const connections = new ConnectionService(db.dataSource, cipher, {
    redisUrl: inject('redisUrl') || undefined,
    adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 },
  });
  const connectionIds = new Map<CrmKind, string>();
  for (const e of started) connectionIds.set(e.kind, (await connections.create({ name: `${e.kind} test`, kind: e.kind, baseUrl: e.url, credentials: SANDBOX })).id);
  const runs = new SyncRunService(db.dataSource, NO_EVENTS);
  const workerId = randomUUID();
  const engine = new SyncEngine({ db: db.dataSource, connections, events: NO_EVENTS, workerId });
  const worker = new SyncWorker(db.dataSource, engine, runs, { workerId, intervalMs: 60_000 });
  const sync = async (kind: CrmKind, mode: SyncRunEntity['mode'] = 'INCREMENTAL', dryRun = false) => {
    const run = runOf(await runs.trigger(connectionIds.get(kind)!, mode, dryRun));
    await worker.drain();
    return (await runs.get(run.id))!;
  };
  return {
    db,
    emulators,
    connectionIds,
    connections,
    cipher,
    runs,
    worker,
    sync,
    async syncAll(mode = 'INCREMENTAL') {
      const out: SyncRunEntity[] = [];
      for (const kind of emulators.keys()) out.push(await sync(kind, mode));
      return out;
    },
    async close() {
      await worker.stop();
      await connections.close();
      await Promise.all(started.map((e) => e.close()));
      await db.close();
    },
  };
}
