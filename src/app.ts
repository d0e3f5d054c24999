/**
 * The composition root: builds Junction from its configuration — store, pub/sub, the
 * three tiers, emulators when asked for, the HTTP server and the sync worker — and shuts
 * it all down in reverse order. `src/main.ts` runs it; tests start it the same way.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JunctionConfig } from './config';
import { createHttpServer, createJunctionPubSub, type JunctionHttpServer } from './experience';
import { createLogger, type Logger } from './logger';
import { ApiKeyService } from './process/access';
import { ConnectionService } from './process/connections/connection.service';
import { ConsentService } from './process/connections/consent.service';
import { checkCrmRegistry } from './process/connections/crm-registry-check';
import { CredentialsCipher, generateMasterKey } from './process/security/credentials-cipher';
import { openApiPool } from './process/store/api-pool';
import { openDatabase, type Database } from './process/store/database';
import { securityOptionsFrom } from './experience/security/from-config';
import { RecordCommands } from './process/records/record-commands';
import { RunQueue } from './process/jobs/run-queue';
import { AuditJobs } from './process/audit/audit-jobs';
import { AuditWorker } from './process/audit/audit-worker';
import { AuditService } from './process/audit/audit.service';
import { AuditQueue } from './process/jobs/audit-queue';
import { startMonitoring } from './process/health/start-monitoring';
import { rebaselineConnection } from './process/sync/runs/rebaseline';
import { SyncEngine } from './process/sync/runs/sync-engine';
import { SyncRunService } from './process/sync/runs/sync-run.service';
import { SyncWorker } from './process/sync/runs/sync-worker';
import { WebhookService } from './process/sync/runs/webhook.service';
import { crmModule, startEmulators, type AdapterOptions, type CrmKind, type RunningEmulator } from './system';

export interface StartOverrides {
  /** Free ports for the emulators instead of the vendor defaults (tests run several at once). */
  randomEmulatorPorts?: boolean;
  adapterDefaults?: Partial<Pick<AdapterOptions, 'retry' | 'timeoutMs'>>;
  logger?: Logger;
  /** The database URL points at an embedded (one-session) server, as in the test suite. */
  singleSessionDatabase?: boolean;
}

export interface RunningJunction {
  url: string | undefined;
  /** The admin key generated at this start (none configured, no admin yet): shown once. Never a configured key. */
  generatedAdminKey: string | undefined;
  emulators: RunningEmulator[];
  database: Database;
  connections: ConnectionService;
  worker: SyncWorker | undefined;
  logger: Logger;
  close(): Promise<void>;
}

const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token', tenantId: 'junction-sandbox-tenant' };

export async function startJunction(config: JunctionConfig, overrides: StartOverrides = {}): Promise<RunningJunction> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const closers: Array<{ name: string; run: () => Promise<unknown> }> = [];
  const onClose = (name: string, run: () => Promise<unknown>) => closers.push({ name, run });
  const close = async () => {
    for (const c of closers.reverse()) {
      logger.debug({ step: c.name }, 'shutting down');
      await c.run().catch((err: unknown) => logger.warn({ step: c.name, err: String(err) }, 'shutdown step failed'));
    }
  };
  try {
    mkdirSync(config.dataDir, { recursive: true });
    const cipher = new CredentialsCipher(config.masterKey ?? localMasterKey(config.dataDir));
    const database = await openDatabase({
      url: config.database.url,
      embeddedDir: config.database.embeddedDir,
      singleSession: overrides.singleSessionDatabase,
      statementTimeoutMs: config.database.statementTimeoutMs.sync,
    });
    onClose('database', () => database.close());
    const db = database.dataSource;
    // The registry is the one list of CRMs: a stored connection of another kind stops start-up here.
    await checkCrmRegistry(db);
    const bus = createJunctionPubSub(config.redisUrl, logger);
    onClose('pub/sub', () => bus.close());
    const connections = new ConnectionService(db, cipher, { redisUrl: config.redisUrl, adapterDefaults: overrides.adapterDefaults, hostPolicy: config.security.crmHosts });
    onClose('adapters', () => connections.close());
    // Every instance can queue runs (api) and take them (worker); pg-boss upkeep runs in each, one at a time.
    const runQueue = new RunQueue(db, { maintenance: true });
    await runQueue.ready();
    onClose('job queue', () => runQueue.stop());
    const syncRuns = new SyncRunService(db, bus.events, runQueue);
    // Audits ride the same pg-boss: any instance queues them (runAudit), any worker runs them.
    const audits = new AuditJobs(db, new AuditQueue(runQueue));
    const audit = new AuditService(db, connections);

    const emulators = await registerEmulators(config, overrides, connections, database, logger);
    onClose('emulators', () => Promise.all(emulators.map((e) => e.close())));

    const apiKeys = new ApiKeyService(db);
    const bootstrap = await apiKeys.ensureBootstrapAdmin(config.adminKey);

    let url: string | undefined;
    if (config.role.api) {
      const webhooks = new WebhookService(db, cipher, syncRuns);
      // API reads and record commands on their own pool with the API statement timeout (api-pool.ts).
      const apiPool = await openApiPool(database, { statementTimeoutMs: config.database.statementTimeoutMs.api });
      onClose('api pool', () => apiPool.close());
      // The callback URL names the bound port unless JUNCTION_PUBLIC_URL says where people reach Junction.
      let publicUrl = config.http.publicUrl;
      const consent = new ConsentService(db, cipher, connections, { publicUrl: () => publicUrl ?? `http://localhost:${config.http.port}`, hostPolicy: config.security.crmHosts });
      const server: JunctionHttpServer = await createHttpServer({ env: config.env, dataSource: apiPool.dataSource, connections, syncRuns, apiKeys, webhooks, pubSub: bus.pubSub, events: bus.events, logger,
        audit,
        audits,
        consent,
        security: securityOptionsFrom(config) });
      const bound = await server.listen(config.http.port, config.http.host);
      url = `http://localhost:${bound.port}`;
      publicUrl ??= url;
      onClose('http server', () => server.close());
    }

    let worker: SyncWorker | undefined;
    if (config.role.worker) {
      const workerId = randomUUID();
      const log = (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => logger[level](data ?? {}, msg);
      // Health checks and alert rules run beside the worker, where runs finish.
      const monitoring = startMonitoring({ db, events: bus.events, webhook: config.alertWebhook, slackUrl: config.alertSlackUrl, log, connections });
      onClose('health monitor', () => monitoring.close());
      const engine = new SyncEngine({ db, connections, events: monitoring.events, workerId, log });
      worker = new SyncWorker(db, engine, syncRuns, { workerId, intervalMs: config.syncIntervalMs, log });
      worker.start();
      const w = worker;
      onClose('sync worker', () => w.stop());
      const auditWorker = new AuditWorker(db, audit, audits, { schedule: config.auditSchedule, log });
      auditWorker.start();
      onClose('audit worker', () => auditWorker.stop());
      // Soft-deleted contacts leave the store after the grace period; hourly is plenty for a 30-day window.
      const records = new RecordCommands(db);
      const purge = setInterval(() => void records.purgeExpired().catch((err: unknown) => logger.warn({ err: String(err) }, 'purge failed')), 3_600_000);
      purge.unref();
      onClose('purge timer', async () => clearInterval(purge));
    }
    return { url, generatedAdminKey: bootstrap.generatedKey, emulators, database, connections, worker, logger, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Starts (or finds) the emulators and makes sure each has a connection. */
async function registerEmulators(config: JunctionConfig, overrides: StartOverrides, connections: ConnectionService, database: Database, logger: Logger): Promise<RunningEmulator[]> {
  const kinds = config.emulators.crms.map((c) => c.toUpperCase() as CrmKind);
  if (config.emulators.mode === 'none') return [];
  if (config.emulators.mode === 'external') {
    for (const kind of kinds) {
      let mod;
      try {
        mod = crmModule(kind);
      } catch {
        continue;
      }
      await connections.ensure({ name: `${kind} emulator`, kind, baseUrl: `http://127.0.0.1:${mod.descriptor.defaultEmulatorPort}`, credentials: sandboxFor(kind) });
    }
    return [];
  }
  const emulators = await startEmulators({ crms: kinds, seed: config.seedPerEmulator, defaultPorts: !overrides.randomEmulatorPorts && !config.emulators.freePorts });
  for (const e of emulators) {
    const existing = (await connections.list()).find((c) => c.name === `${e.kind} emulator`);
    const conn = await connections.ensure({ name: `${e.kind} emulator`, kind: e.kind, baseUrl: e.url, credentials: sandboxFor(e.kind) });
    // An in-process emulator starts empty each time: what Junction knew of the old one is void.
    if (existing) {
      const queued = await rebaselineConnection(database.dataSource, conn.id);
      logger.info({ connection: conn.name, queued }, 'emulator started fresh: links reset, store queued for delivery');
    }
  }
  return emulators;
}

/** The emulators' sandbox app, with only the credential fields the CRM takes. */
function sandboxFor(kind: CrmKind): typeof SANDBOX | Omit<typeof SANDBOX, 'tenantId'> {
  if (crmModule(kind).descriptor.credentials.tenantId !== 'unsupported') return SANDBOX;
  const { tenantId: _tenant, ...rest } = SANDBOX;
  return rest;
}

/** Outside production the master key is generated once and kept beside the data. */
function localMasterKey(dataDir: string): string {
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateMasterKey();
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
