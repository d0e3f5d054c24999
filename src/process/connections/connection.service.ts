/**
 * Connections: creating, changing, pausing and deleting them (credentials sealed at rest),
 * and building one live adapter per connection, whose limiter, token and usage the whole
 * process shares. What a call to the CRM proves about a connection is recorded here too
 * (connection-status.ts), so a refused credential turns into a FAILING connection and an
 * alert wherever it was noticed.
 */
import { IsNull, type DataSource } from 'typeorm';
import {
  checkCrmAuthorityUrl,
  checkCrmBaseUrl,
  crmModule,
  DEFAULT_CRM_HOST_POLICY,
  hostPolicyFor,
  SystemError,
  type AdapterOptions,
  type CircuitSettings,
  type ConnectionCredentials,
  type ConnectionTestResult,
  type CrmHostPolicy,
  type CrmKind,
  type SetupReport,
  type SystemAdapter,
} from '../../system';
import { parseCustomFields } from '../mapping/custom-fields';
import { mappingProfile } from '../mapping/registry';
import type { CredentialsCipher } from '../security/credentials-cipher';
import { insertConnection, recordApiUsage, recordCircuit, saveCustomFields, updateConnection, type ConnectionChanges } from '../store/connections/connection.repository';
import { ConnectionEntity } from '../store/entities';
import {
  autoProvisionOf,
  checkApiVersion,
  checkBaseUrl,
  checkName,
  checkSettings,
  ConnectionInputError,
  ConnectionNameTakenError,
  type ConnectionSettingsPatch,
} from './connection-input';
import { checkCredentials, type CredentialsInput } from './credentials-input';
import { checkSetup, lacksApiAccess, provisionSetup, setupError, setupMayExplain, setupProblems } from './connection-setup';
import { pauseByPerson, resumeByPerson } from './connection-pause';
import { recordCredentialsRefused, recordProven, recordTokenIssued } from './connection-status';
import { deleteConnection } from './connection-delete';
import { CallFailureTally } from '../health/call-failure-tally';



export interface CreateConnectionInput {
  name: string;
  kind: CrmKind;
  baseUrl: string;
  apiVersion?: string;
  credentials: CredentialsInput;
}

/** What updateConnection may change; each part optional, each checked as on create. */
export interface UpdateConnectionInput {
  name?: string;
  baseUrl?: string;
  apiVersion?: string;
  credentials?: CredentialsInput;
  settings?: ConnectionSettingsPatch;
}

export interface ConnectionServiceOptions {
  redisUrl?: string;
  /** Adapter overrides for tests: faster retries, shorter timeouts. */
  adapterDefaults?: Partial<Pick<AdapterOptions, 'retry' | 'timeoutMs'>>;
  /** Circuit breaker settings for every connection (tests shorten the open period). */
  circuit?: Partial<CircuitSettings>;
  /**
   * Hosts each CRM's credentials may go to, and whether loopback (the emulators) is allowed.
   * @default each CRM's host family, loopback allowed (start-up passes the configured policy)
   */
  hostPolicy?: CrmHostPolicy;
}

/** Told when what a connection's health depends on changed (the health monitor re-checks at once). */
export type ConnectionChangeListener = (connectionId: string) => void;

const UNIQUE_VIOLATION = '23505';
const IS_NULL = IsNull();

export class ConnectionService {
  private adapters = new Map<string, { adapter: SystemAdapter; builtFrom: string }>();
  /** Per connection, writes started by adapters (circuit changes, issued tokens), in order. */
  private writes = new Map<string, Promise<void>>();
  private listeners = new Set<ConnectionChangeListener>();
  /** Every adapter's failed calls, recovered or final, counted for health and /metrics. */
  readonly callFailures: CallFailureTally;

  constructor(
    private db: DataSource,
    private cipher: CredentialsCipher,
    private options: ConnectionServiceOptions = {},
  ) {
    this.callFailures = new CallFailureTally(db);
  }

  /**
   * The base URL as stored, or a ConnectionInputError on `baseUrl`: its form, then the host
   * allow-list (JUNCTION_CRM_HOSTS_*; loopback only for the emulators), for create and update alike.
   */
  allowedBaseUrl(kind: CrmKind, raw: string): string {
    const url = checkBaseUrl(raw);
    const problem = checkCrmBaseUrl(kind, url, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY);
    if (problem) throw new ConnectionInputError('baseUrl', problem);
    return url;
  }

  /** The credentials as stored, or a ConnectionInputError: their fields (connection-input.ts), then an authorityUrl against the host allow-list. */
  private allowedCredentials(kind: CrmKind, input: CredentialsInput): ConnectionCredentials {
    const credentials = checkCredentials(kind, input);
    const problem = credentials.authorityUrl ? checkCrmAuthorityUrl(kind, credentials.authorityUrl, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY) : undefined;
    if (problem) throw new ConnectionInputError('credentials.authorityUrl', problem);
    return credentials;
  }

  /** Creates a connection; a live connection of the same name is a ConnectionNameTakenError (never an update). */
  async create(input: CreateConnectionInput): Promise<ConnectionEntity> {
    const descriptor = crmModule(input.kind).descriptor;
    const name = checkName(input.name);
    const baseUrl = this.allowedBaseUrl(input.kind, input.baseUrl);
    const apiVersion = input.apiVersion ? checkApiVersion(input.apiVersion) : descriptor.defaultApiVersion;
    const credentialsSealed = this.cipher.encrypt(this.allowedCredentials(input.kind, input.credentials));
    const id = await this.named(name, () => insertConnection(this.db, { name, kind: input.kind, baseUrl, apiVersion, credentialsSealed }));
    const created = await this.db.getRepository(ConnectionEntity).findOneByOrFail({ id });
    await this.provisionOnConnect(created);
    return created;
  }

  /**
   * With `autoProvision` (on for the emulators unless set), connecting creates what the CRM
   * lacks, as provisionConnection would. Never fails the connect: what is still missing is what
   * connectionSetup, testConnection and the first run report.
   */
  private async provisionOnConnect(connection: ConnectionEntity): Promise<void> {
    if (!autoProvisionOf(connection.settings, connection.baseUrl)) return;
    const adapter = this.adapterFor(connection);
    try {
      // One token request first (never retried): an unreachable CRM or refused credentials end it at once.
      await adapter.refreshToken();
      await provisionSetup(adapter);
    } catch {
      // Recorded by the calls themselves; connectionSetup, testConnection and the first run say the rest.
    }
    await this.settle(connection.id);
  }

  /** The live setup check of a connection (connection-setup.ts); null when there is none. */
  async setup(id: string): Promise<SetupReport | null> {
    const connection = await this.get(id);
    if (!connection) return null;
    const report = await checkSetup(this.adapterFor(connection));
    await this.settle(id);
    return report;
  }

  /**
   * A run failed: when the refusal is one a missing setup causes (a field, property or key the
   * CRM does not have) and the setup check finds something missing, the failure is the SCHEMA
   * error naming it rather than the vendor's own (INVALID_FIELD, PROPERTY_DOESNT_EXIST). Healthy
   * runs spend no call on this: the run's own reads and writes are the check.
   */
  async explainFailure(adapter: SystemAdapter, err: unknown): Promise<unknown> {
    if (!setupMayExplain(err)) return err;
    try {
      const report = await checkSetup(adapter);
      return report.ready || lacksApiAccess(report) ? err : setupError(report);
    } catch {
      return err;
    }
  }

  /** Creates what the setup check found missing and fixable, through the CRM's metadata API; the check after it. */
  async provision(id: string): Promise<SetupReport | null> {
    const connection = await this.get(id);
    if (!connection) return null;
    const report = await provisionSetup(this.adapterFor(connection));
    await this.settle(id);
    this.changed(id);
    return report;
  }

  /**
   * The live connection of that name, brought to this URL and these credentials (tried at
   * once, as on update); created when there is none. Start-up's emulator connections.
   */
  async ensure(input: CreateConnectionInput): Promise<ConnectionEntity> {
    const existing = await this.db.getRepository(ConnectionEntity).findOneBy({ name: input.name.trim(), deletedAt: IS_NULL });
    if (!existing) return this.create(input);
    const updated = (await this.update(existing.id, { baseUrl: input.baseUrl, credentials: input.credentials, ...(input.apiVersion ? { apiVersion: input.apiVersion } : {}) }))!;
    // An emulator started again is a fresh org: it is provisioned again as on the first connect.
    await this.provisionOnConnect(updated);
    return updated;
  }

  /**
   * Changes a live connection; null when there is none. New credentials are tried at once (one
   * token request), so the answer says whether the CRM takes them, and a connection whose
   * credentials were refused recovers without waiting for anything else.
   */
  async update(id: string, input: UpdateConnectionInput): Promise<ConnectionEntity | null> {
    const connection = await this.get(id);
    if (!connection) return null;
    // Checked in this order, so the first problem reported is the same whatever else is wrong.
    const changes: ConnectionChanges = {};
    if (input.name !== undefined) changes.name = checkName(input.name);
    if (input.baseUrl !== undefined) changes.baseUrl = this.allowedBaseUrl(connection.kind, input.baseUrl);
    if (input.apiVersion !== undefined) changes.apiVersion = checkApiVersion(input.apiVersion);
    if (input.credentials !== undefined) changes.credentialsSealed = this.cipher.encrypt(this.allowedCredentials(connection.kind, input.credentials));
    if (input.settings !== undefined) changes.settings = checkSettings(input.settings);
    if (!(await this.named(input.name ?? connection.name, () => updateConnection(this.db, id, changes)))) return connection;
    // The adapter is built again at its next use if what it is built from changed (adapterFor); a rename keeps its token and circuit.
    const updated = (await this.get(id))!;
    if (input.credentials !== undefined) await this.probeToken(updated);
    this.changed(id);
    return this.get(id);
  }

  /** A person pauses a connection (no end); null when there is none. */
  async pause(id: string, reason: string | null): Promise<ConnectionEntity | null> {
    await pauseByPerson(this.db, id, reason);
    this.changed(id);
    return this.get(id);
  }

  /** Ends a pause (a person's or a quota's); null when there is no such connection. */
  async resume(id: string): Promise<ConnectionEntity | null> {
    await resumeByPerson(this.db, id);
    this.changed(id);
    return this.get(id);
  }

  /**
   * Deletes a connection (connection-delete.ts): syncing stops, its credentials are erased, its
   * records and their provenance stay, its links are detached. Nothing is called in the CRM.
   */
  async delete(id: string): Promise<ConnectionEntity | null> {
    const deleted = await deleteConnection(this.db, id);
    if (!deleted) return null;
    await this.dropAdapter(id);
    this.changed(id);
    return this.db.getRepository(ConnectionEntity).findOneBy({ id });
  }

  /**
   * Replaces a connection's custom-field mappings (settings.customFields), validated against
   * its CRM's synced objects; throws CustomFieldConfigError naming every problem. The new
   * mapping version makes the next full run test first (run-gate.ts).
   */
  async setCustomFields(id: string, fields: unknown): Promise<ConnectionEntity | null> {
    const connection = await this.get(id);
    if (!connection) return null;
    const parsed = parseCustomFields(mappingProfile(connection.kind), fields);
    await saveCustomFields(this.db, id, parsed);
    return this.get(id);
  }

  /** Live connections, oldest first (deleted ones are tombstones, not configuration). */
  list(): Promise<ConnectionEntity[]> {
    return this.db.getRepository(ConnectionEntity).find({ where: { deletedAt: IS_NULL }, order: { createdAt: 'ASC' } });
  }

  /** A live connection; null for an unknown or deleted one. */
  get(id: string): Promise<ConnectionEntity | null> {
    return this.db.getRepository(ConnectionEntity).findOneBy({ id, deletedAt: IS_NULL });
  }

  /** Calls on each change a connection's health depends on; returns the unsubscribe. */
  onChange(listener: ConnectionChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The live adapter for a connection, built once and reused so its limiter is shared; built
   * again when what it is built from changed (here or in another instance: the row tells).
   */
  adapterFor(connection: ConnectionEntity): SystemAdapter {
    if (connection.deletedAt || !connection.credentialsSealed) throw new SystemError('AUTHENTICATION', 'CONNECTION_DELETED', `connection ${connection.id} was deleted; it has no credentials`);
    const { requests, windowMs } = effectiveRateLimit(connection.kind, connection.settings);
    const rate = { requests, windowMs };
    const builtFrom = JSON.stringify([connection.baseUrl, connection.apiVersion, connection.credentialsSealed, rate]);
    const existing = this.adapters.get(connection.id);
    if (existing?.builtFrom === builtFrom) return existing.adapter;
    // New credentials, URL or rate: the old adapter (its token, limiter, circuit) goes; a call still in flight on it may fail and is retried as usual.
    if (existing) void this.dropAdapter(connection.id);
    const adapter = crmModule(connection.kind).createAdapter({
      baseUrl: connection.baseUrl,
      apiVersion: connection.apiVersion,
      credentials: this.cipher.decrypt<ConnectionCredentials>(connection.credentialsSealed),
      limiter: {
        id: connection.id,
        redisUrl: this.options.redisUrl,
        circuit: this.options.circuit,
        rate,
        onCircuit: (change) => this.persist(connection.id, () => recordCircuit(this.db, connection.id, change.state, change.retryAt)),
      },
      ...this.options.adapterDefaults,
      // Checked at every call too: a connection stored before the policy (or under a wider one) is held to it.
      hostPolicy: hostPolicyFor(connection.kind, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY),
      onCallFailure: this.callFailures.observerFor(connection.id),
      // The expiry is shown; the org id (Salesforce) checks change notifications; a refusal before now is over.
      onToken: (token) => {
        const at = new Date();
        this.persist(connection.id, async () => {
          if (await recordTokenIssued(this.db, connection.id, token, at)) this.changed(connection.id);
        });
      },
    });
    this.adapters.set(connection.id, { adapter, builtFrom });
    return adapter;
  }

  /** Calls the CRM now; a pass proves a new connection, a refusal of its credentials is recorded. */
  async test(id: string): Promise<ConnectionTestResult> {
    const connection = await this.get(id);
    if (!connection) return { ok: false, latencyMs: 0, apiVersion: '', message: `no connection ${id}`, errorClass: 'NOT_FOUND' };
    const adapter = this.adapterFor(connection);
    const result = await adapter.testConnection();
    await this.settle(id);
    if (result.ok) await recordProven(this.db, id);
    else if (result.errorClass === 'AUTHENTICATION') await this.credentialsRefused(id, result.message ?? 'AUTHENTICATION');
    this.changed(id);
    if (!result.ok) return result;
    // The credentials work; whether the CRM holds what a sync needs is the other half of the answer.
    const setup = await checkSetup(adapter);
    await this.settle(id);
    return setup.ready ? result : { ...result, ok: false, errorClass: 'SCHEMA', message: setupProblems(setup) };
  }

  /**
   * The CRM refused the connection's credentials (a refused token grant, or a 401 with a fresh
   * token): FAILING with the fix named, the CREDENTIALS alert, and no scheduled runs until
   * new credentials, a test or a triggered run get a token again (connection-status.ts).
   */
  async credentialsRefused(id: string, detail: string, at = new Date()): Promise<void> {
    await recordCredentialsRefused(this.db, id, detail, at);
    this.changed(id);
  }

  /** Stores the vendor-reported usage so dashboards and alerts read it without calling the CRM. */
  async recordUsage(connectionId: string, usage: { used: number; limit: number; resetsAt?: string }): Promise<void> {
    await recordApiUsage(this.db, connectionId, usage);
  }

  /** One token request with the stored credentials: its answer is recorded either way. */
  private async probeToken(connection: ConnectionEntity): Promise<void> {
    try {
      await this.adapterFor(connection).refreshToken();
    } catch (err) {
      if (err instanceof SystemError && err.errorClass === 'AUTHENTICATION') await this.credentialsRefused(connection.id, `${err.code}: ${err.message}`);
      // Anything else (the CRM unreachable) proves nothing about the credentials: the next run tries them.
    }
    await this.settle(connection.id);
  }

  /** Adapter-started writes of a connection run in the order they happened (OPEN → HALF_OPEN → CLOSED can come fast). */
  private persist(connectionId: string, write: () => Promise<unknown>): void {
    const previous = this.writes.get(connectionId) ?? Promise.resolve();
    const next = previous
      .then(write)
      .then(() => undefined)
      .catch(() => undefined /* written again at the next change; never fails a call */);
    this.writes.set(connectionId, next);
  }

  private async settle(connectionId: string): Promise<void> {
    await this.writes.get(connectionId);
  }

  /** Waits for circuit and token writes still being made (tests and shutdown). */
  async flushCircuitWrites(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  private changed(connectionId: string): void {
    for (const listener of this.listeners) listener(connectionId);
  }

  /** Runs a write that sets a name; the live-name index refusing it is a ConnectionNameTakenError. */
  private async named<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION || /connections_live_name/.test(String((err as Error).message))) throw new ConnectionNameTakenError(name.trim());
      throw err;
    }
  }

  private async dropAdapter(id: string): Promise<void> {
    const entry = this.adapters.get(id);
    this.adapters.delete(id);
    await entry?.adapter.close();
  }

  async close(): Promise<void> {
    await this.flushCircuitWrites();
    const all = [...this.adapters.keys()];
    for (const id of all) await this.dropAdapter(id);
    await this.callFailures.close();
  }
}

/** `settings.rateLimit: { requests, windowMs }`: the vendor's rate limit for this connection, when an operator set one. */
function rateSetting(settings: Record<string, unknown> | null | undefined): { requests: number; windowMs: number } | undefined {
  const rate = settings?.rateLimit as { requests?: unknown; windowMs?: unknown } | undefined;
  if (typeof rate?.requests !== 'number' || typeof rate.windowMs !== 'number' || rate.requests < 1 || rate.windowMs < 1) return undefined;
  return { requests: rate.requests, windowMs: rate.windowMs };
}

/** The limit a connection's calls keep to: the operator's setting, else the vendor's documented default. */
export function effectiveRateLimit(kind: CrmKind, settings: Record<string, unknown> | null | undefined): EffectiveRateLimit {
  const set = rateSetting(settings);
  if (set) return { ...set, vendorDefault: false, basis: 'settings.rateLimit' };
  const { requests, windowMs, basis } = crmModule(kind).descriptor.defaultRateLimit;
  return { requests, windowMs, vendorDefault: true, basis };
}

export interface EffectiveRateLimit {
  requests: number;
  windowMs: number;
  /** True when no operator setting overrides the vendor's default. */
  vendorDefault: boolean;
  /** Where the figure comes from. */
  basis: string;
}
