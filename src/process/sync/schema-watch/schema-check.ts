/**
 * Schema drift (SPEC §3, issue #4 item 9): a mapped field the CRM no longer has marks the
 * connection DEGRADED, naming the fields, and logs a SCHEMA-class error with code SCHEMA_DRIFT
 * (the alert rule reads that code). The run goes on without the missing fields — never
 * requested, never written, so never a silent null — unless a field the mapper derives values
 * from is missing; then that object is not pulled at all and its cursor waits. When the
 * fields are back, the connection returns to HEALTHY.
 *
 * The run's own reads are the check, so a healthy run spends no call on it. The CRM's field
 * list (Salesforce describe, HubSpot properties, Dataverse attribute metadata) is read only
 * on suspicion, at most once per object per run:
 * - a read the CRM refuses as invalid (Salesforce and Dataverse refuse a query naming a
 *   dropped field) — when the describe explains it, the object is read again without the
 *   missing fields, in the same run;
 * - a page whose live records all lack a requested field (HubSpot leaves a deleted property
 *   out of its answers);
 * - an object already drifted, at the start of each run, to see whether its fields are back;
 * - before writing records of an object this run's reads did not prove whole (nothing was
 *   read from a CRM that answers without deleted fields): that answer is kept per connection
 *   and object for `settings.schemaCheckIntervalMs` (default 5 minutes).
 *
 * Every describe also tells whether the org has the settings mappers know (Salesforce's state
 * and country picklists, org-wide: `MailingStateCode`… in the describe; FieldSpec.picklist),
 * kept on the connection (`org_features`), so writes use the org's codes. A feature never seen
 * costs one describe before the connection's first write (of one object: the setting is the
 * org's); after that only the describes above update it (a read refused for a picklist field
 * the org no longer has is one).
 */
import type { DataSource } from 'typeorm';
import { SystemError, type RemoteRecord, type SystemAdapter } from '../../../system';
import { logError } from '../../health/error-log';
import { SCHEMA_DRIFT_CODE } from '../../health/health-snapshot';
import type { RecordMapper } from '../../mapping/field-map';
import { mappersFor } from '../../mapping/registry';
import { blocksObject, missingFields, type SchemaDrift } from '../../mapping/schema-drift';
import type { ConnectionEntity } from '../../store/entities';
import { clearSchemaDrift, DRIFT_REASON_PREFIX, markSchemaDrift, saveOrgFeatures } from '../../store/schema/connection-schema.repository';
export const DEFAULT_SCHEMA_CHECK_INTERVAL_MS = 5 * 60_000;

// Field lists read before writes, per connection and object, in this process.
const kept = new Map<string, { fields: string[]; at: number }>();
const keptKey = (connectionId: string, remoteType: string) => `${connectionId}\n${remoteType}`;

/** Forgets a connection's kept field lists (after a run stopped on an error). */
export function forgetDescribes(connectionId: string): void {
  for (const key of kept.keys()) if (key.startsWith(keptKey(connectionId, ''))) kept.delete(key);
}

function intervalOf(connection: ConnectionEntity): number {
  const v = connection.settings?.schemaCheckIntervalMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_SCHEMA_CHECK_INTERVAL_MS;
}

/** Mapped fields missing from a CRM object's field list: its own error class, SCHEMA. */
export class SchemaDriftError extends SystemError {
  constructor(
    readonly remoteType: string,
    readonly missing: string[],
  ) {
    super(
      'SCHEMA',
      SCHEMA_DRIFT_CODE,
      `${remoteType} no longer has mapped field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (not in the CRM's describe); they are skipped until restored or unmapped`,
      {
        endpoint: `describe ${remoteType}`,
      },
    );
  }
}

/** One run's view of the connection's schema; the connection entity's `schemaDrift` follows it, so `mappersFor` leaves missing fields out. */
export class SchemaWatch {
  /** Objects whose mapped fields this run has proved present (or described). */
  private settled = new Set<string>();
  private drift: SchemaDrift;
  private readonly wasDrifted: boolean;
  /** The org's features changed (or were learned) this run: saved with the drift. */
  private learned = false;
  /** Remote types not pulled this run: a field the mapper's hooks need is missing. */
  readonly blocked = new Set<string>();
  /** This run's drift findings, one per drifted object. */
  readonly errors: SchemaDriftError[] = [];

  constructor(
    private db: DataSource,
    private connection: ConnectionEntity,
    private adapter: SystemAdapter,
    private runId: string,
  ) {
    this.drift = { ...(connection.schemaDrift ?? {}) };
    this.wasDrifted = Object.keys(this.drift).length > 0;
  }

  /** Objects drifted at the last check are described again: their fields may be back. */
  async start(): Promise<void> {
    const drifted = Object.keys(this.drift);
    for (const type of drifted) await this.describe(type);
    if (drifted.length) await this.save();
  }

  /** Every mapped object described now (a dry run: its reads run in a transaction nothing else may write beside). */
  async describeAll(): Promise<void> {
    for (const mapper of this.fullMappers()) await this.describe(mapper.remoteType);
    await this.save();
  }

  /** The connection's mappers with every mapped field, drift or not: what a describe is checked against. */
  private fullMappers(): RecordMapper[] {
    return mappersFor({ ...this.connection, schemaDrift: null });
  }

  /** The mapper the object is read and written with now. */
  mapperFor(remoteType: string): RecordMapper | undefined {
    return mappersFor(this.connection).find((m) => m.remoteType === remoteType);
  }

  /** A read of the object ended without error: on a CRM that refuses unknown fields, every requested field exists (even when nothing changed). */
  readCompleted(remoteType: string): void {
    if (this.adapter.readsRefuseUnknownFields) this.settled.add(remoteType);
  }

  /** True when a dropped field explains a read the CRM refused; the object is then read again (or skipped when blocked). */
  async explainsReadError(remoteType: string, err: unknown): Promise<boolean> {
    if (!(err instanceof SystemError) || err.errorClass !== 'VALIDATION' || this.settled.has(remoteType)) return false;
    const found = await this.describe(remoteType);
    await this.save();
    return found;
  }

  /**
   * Checks a page's live records for a requested field none of them carries; then the object
   * is described. Returns false when the object turned out blocked (the page must not be applied).
   */
  async checkPage(mapper: RecordMapper, records: RemoteRecord[]): Promise<boolean> {
    const type = mapper.remoteType;
    if (this.settled.has(type)) return !this.blocked.has(type);
    // An answered read from a CRM that refuses unknown fields proves them all.
    if (this.adapter.readsRefuseUnknownFields) {
      this.settled.add(type);
      return true;
    }
    const live = records.filter((r) => !r.deleted && r.malformed === undefined);
    if (!live.length) return true;
    const absent = mapper.remoteFields.some((f) => !live.some((r) => Object.hasOwn(r.fields, f)));
    if (!absent) {
      this.settled.add(type);
      return true;
    }
    if ((await this.describe(type)) || this.learned) await this.save();
    return !this.blocked.has(type);
  }

  /**
   * Before the outbox is delivered: objects of the kinds it holds that this run did not prove
   * are checked against a kept or fresh field list, and an org feature never learned is learned
   * from one describe.
   */
  async beforeWrites(pendingKinds: () => Promise<Set<string>>): Promise<void> {
    if (!this.fullMappers().some((m) => !this.settled.has(m.remoteType) || this.unlearned(m))) return;
    const kinds = await pendingKinds();
    let found = false;
    for (const type of this.fullMappers().map((m) => m.remoteType)) {
      // Mappers change as features are learned: look each one up afresh.
      const mapper = this.fullMappers().find((m) => m.remoteType === type)!;
      if (!kinds.has(mapper.kind)) continue;
      if (!this.unlearned(mapper)) {
        if (this.settled.has(type)) continue;
        const known = kept.get(keptKey(this.connection.id, type));
        if (known && Date.now() - known.at < intervalOf(this.connection) && !missingFields(mapper, known.fields).length) continue;
      }
      found = (await this.describe(type)) || found;
    }
    if (found || this.learned) await this.save();
  }

  /** True when the mapper knows an org feature the connection has not learned yet. */
  private unlearned(mapper: RecordMapper): boolean {
    return Object.keys(mapper.orgFeatures).some((f) => !(f in (this.connection.orgFeatures ?? {})));
  }

  /** Describes the object against its full mapping; true when mapped fields are missing or the org's optional fields changed (the object reads differently now). */
  private async describe(remoteType: string): Promise<boolean> {
    const fields = await this.adapter.describeFields(remoteType);
    const changed = this.learn(remoteType, fields);
    const base = this.fullMappers().find((m) => m.remoteType === remoteType);
    if (!base) return changed;
    kept.set(keptKey(this.connection.id, remoteType), { fields, at: Date.now() });
    this.settled.add(remoteType);
    const missing = missingFields(base, fields);
    if (!missing.length) {
      delete this.drift[remoteType];
      return changed;
    }
    this.drift[remoteType] = missing;
    if (blocksObject(base, missing)) this.blocked.add(remoteType);
    const error = new SchemaDriftError(remoteType, missing);
    this.errors.push(error);
    await logError(this.db.manager, {
      connectionId: this.connection.id,
      runId: this.runId,
      errorClass: error.errorClass,
      code: error.code,
      message: error.message,
      endpoint: error.details.endpoint ?? null,
    });
    return true;
  }

  /** Takes the org features the describe shows; true when one differs from what the connection had (an unknown one counts as off). */
  private learn(remoteType: string, described: readonly string[]): boolean {
    const features = mappersFor({ kind: this.connection.kind }).find((m) => m.remoteType === remoteType)?.orgFeatures ?? {};
    const listed = new Set(described.map((f) => f.toLowerCase()));
    let changed = false;
    for (const [feature, fields] of Object.entries(features)) {
      const on = fields.some((f) => listed.has(f.toLowerCase()));
      const before = this.connection.orgFeatures?.[feature];
      if (before === on) continue;
      this.connection.orgFeatures = { ...(this.connection.orgFeatures ?? {}), [feature]: on };
      this.learned = true;
      changed ||= (before ?? false) !== on;
    }
    return changed;
  }

  /** Records the drift on the connection (row and entity): DEGRADED while any remains, HEALTHY again once a drift-only degradation is gone. */
  private async save(): Promise<void> {
    if (this.learned) {
      await saveOrgFeatures(this.db, this.connection.id, this.connection.orgFeatures);
      this.learned = false;
    }
    const drift = this.drift;
    this.connection.schemaDrift = { ...drift };
    if (Object.keys(drift).length) {
      const reason = `${DRIFT_REASON_PREFIX} ${Object.entries(drift)
        .map(([type, fields]) => fields.map((f) => `${type}.${f}`).join(', '))
        .join(', ')} missing from the CRM's describe${this.blocked.size ? `; not syncing ${[...this.blocked].join(', ')}` : ''}`;
      // A paused connection stays paused (its pause says why); otherwise it is DEGRADED for this reason.
      await markSchemaDrift(this.db, this.connection.id, drift, reason);
    } else if (this.wasDrifted) await clearSchemaDrift(this.db, this.connection.id);
  }
}
