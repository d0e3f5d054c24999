/**
 * Connections: creating them (credentials sealed at rest), and building one live adapter
 * per connection, whose limiter, token and usage the whole process shares.
 */
import type { DataSource } from 'typeorm';
import {
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
  type SystemAdapter,
} from '../../system';
import { parseCustomFields } from '../mapping/custom-fields';
import { mappingProfile } from '../mapping/registry';
import type { CredentialsCipher } from '../security/credentials-cipher';
import { ConnectionEntity } from '../store/entities';

export interface CreateConnectionInput {
  name: string;
  kind: CrmKind;
  baseUrl: string;
  apiVersion?: string;
  credentials: ConnectionCredentials;
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

/** A base URL the host policy refuses (an internal address, a host outside the CRM's family, plain http). */
export class BaseUrlNotAllowedError extends SystemError {
  constructor(message: string) {
    super('VALIDATION', 'BASE_URL_NOT_ALLOWED', message);
  }
}

export class ConnectionService {
  private adapters = new Map<string, SystemAdapter>();
  private circuitWrites = new Map<string, Promise<void>>();

  constructor(
    private db: DataSource,
    private cipher: CredentialsCipher,
    private options: ConnectionServiceOptions = {},
  ) {}

  /** Why this base URL may not be used for a connection of this kind (undefined when it may): for create and update alike. */
  checkBaseUrl(kind: CrmKind, baseUrl: string): string | undefined {
    return checkCrmBaseUrl(kind, baseUrl, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY);
  }

  /** Throws BaseUrlNotAllowedError when the host policy refuses the base URL. */
  async create(input: CreateConnectionInput): Promise<ConnectionEntity> {
    const problem = this.checkBaseUrl(input.kind, input.baseUrl);
    if (problem) throw new BaseUrlNotAllowedError(problem);
    const descriptor = crmModule(input.kind).descriptor;
    const repo = this.db.getRepository(ConnectionEntity);
    const rows = await this.db.query(
      `INSERT INTO connections (name, kind, base_url, api_version, credentials_sealed)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET base_url = EXCLUDED.base_url, api_version = EXCLUDED.api_version,
         credentials_sealed = EXCLUDED.credentials_sealed, updated_at = now()
       RETURNING id`,
      [input.name, input.kind, input.baseUrl.replace(/\/+$/, ''), input.apiVersion ?? descriptor.defaultApiVersion, this.cipher.encrypt(input.credentials)],
    );
    const id = (rows as Array<{ id: string }>)[0]!.id;
    await this.dropAdapter(id);
    return repo.findOneByOrFail({ id });
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
    await this.db.query(`UPDATE connections SET settings = coalesce(settings, '{}'::jsonb) || jsonb_build_object('customFields', $2::jsonb), updated_at = now() WHERE id = $1`, [
      id,
      JSON.stringify(parsed),
    ]);
    return this.get(id);
  }

  list(): Promise<ConnectionEntity[]> {
    return this.db.getRepository(ConnectionEntity).find({ order: { createdAt: 'ASC' } });
  }

  get(id: string): Promise<ConnectionEntity | null> {
    return this.db.getRepository(ConnectionEntity).findOneBy({ id });
  }

  /** The live adapter for a connection, built once and reused so its limiter is shared. */
  adapterFor(connection: ConnectionEntity): SystemAdapter {
    const existing = this.adapters.get(connection.id);
    if (existing) return existing;
    const adapter = crmModule(connection.kind).createAdapter({
      baseUrl: connection.baseUrl,
      apiVersion: connection.apiVersion,
      credentials: this.cipher.decrypt<ConnectionCredentials>(connection.credentialsSealed),
      limiter: {
        id: connection.id,
        redisUrl: this.options.redisUrl,
        circuit: this.options.circuit,
        rate: rateSetting(connection.settings),
        onCircuit: (change) => this.persistCircuit(connection.id, change.state, change.retryAt),
      },
      ...this.options.adapterDefaults,
      // Checked at every call too: a connection stored before the policy (or under a wider one) is held to it.
      hostPolicy: hostPolicyFor(connection.kind, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY),
      onToken: (token) => {
        // The org id (Salesforce) is kept for checking change notifications against it.
        void this.db
          .query(
            `UPDATE connections SET token_expires_at = $2, settings = CASE WHEN $3::text IS NULL THEN settings ELSE coalesce(settings, '{}'::jsonb) || jsonb_build_object('organizationId', $3::text) END WHERE id = $1`,
            [connection.id, token.expiresAt, token.organizationId ?? null],
          )
          .catch(() => undefined /* recorded again at the next refresh; never fails a call */);
      },
    });
    this.adapters.set(connection.id, adapter);
    return adapter;
  }

  async test(id: string): Promise<ConnectionTestResult> {
    const connection = await this.get(id);
    if (!connection) return { ok: false, latencyMs: 0, apiVersion: '', message: `no connection ${id}`, errorClass: 'NOT_FOUND' };
    return this.adapterFor(connection).testConnection();
  }

  /** Stores the vendor-reported usage so dashboards and alerts read it without calling the CRM. */
  async recordUsage(connectionId: string, usage: { used: number; limit: number; resetsAt?: string }): Promise<void> {
    await this.db.query(`UPDATE connections SET api_used = $2, api_limit = $3, api_resets_at = $4, updated_at = now() WHERE id = $1`, [
      connectionId,
      usage.used,
      usage.limit,
      usage.resetsAt ?? null,
    ]);
  }

  /** Circuit changes are written in the order they happened (OPEN → HALF_OPEN → CLOSED can come fast). */
  private persistCircuit(connectionId: string, state: string, retryAt: Date | null): void {
    const previous = this.circuitWrites.get(connectionId) ?? Promise.resolve();
    const next = previous
      .then(() => this.db.query(`UPDATE connections SET circuit = $2, circuit_retry_at = $3, updated_at = now() WHERE id = $1`, [connectionId, state, retryAt]))
      .then(() => undefined)
      .catch(() => undefined /* the next change writes it again; never fails a call */);
    this.circuitWrites.set(connectionId, next);
  }

  /** Waits for circuit changes still being written (tests and shutdown). */
  async flushCircuitWrites(): Promise<void> {
    await Promise.all(this.circuitWrites.values());
  }

  private async dropAdapter(id: string): Promise<void> {
    const adapter = this.adapters.get(id);
    this.adapters.delete(id);
    await adapter?.close();
  }

  async close(): Promise<void> {
    await this.flushCircuitWrites();
    const all = [...this.adapters.keys()];
    for (const id of all) await this.dropAdapter(id);
  }
}

/** `settings.rateLimit: { requests, windowMs }`: the vendor's rate limit for this connection, when an operator set one. */
function rateSetting(settings: Record<string, unknown> | null | undefined): { requests: number; windowMs: number } | undefined {
  const rate = settings?.rateLimit as { requests?: unknown; windowMs?: unknown } | undefined;
  if (typeof rate?.requests !== 'number' || typeof rate.windowMs !== 'number' || rate.requests < 1 || rate.windowMs < 1) return undefined;
  return { requests: rate.requests, windowMs: rate.windowMs };
}
