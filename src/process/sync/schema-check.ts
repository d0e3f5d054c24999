/**
 * Schema drift (SPEC §3, issue #4 item 9): before a run reads with its mapped fields, it
 * compares them with the CRM's own field list (Salesforce describe, HubSpot properties,
 * Dataverse attribute metadata). A mapped field the CRM no longer lists marks the connection
 * DEGRADED, naming the fields, and logs a SCHEMA-class error with code SCHEMA_DRIFT (the alert
 * rule reads that code). The run goes on without the missing fields — never requested, never
 * written, so never a silent null — unless a field the mapper derives values from is missing;
 * then that object is not pulled at all and its cursor waits. When the fields are back, the
 * connection returns to HEALTHY.
 *
 * API cost: at most one describe call per mapped object per run (Salesforce 3, HubSpot and
 * Dynamics 2), counted in the run's API calls — and usually none: an answer is kept per
 * connection and object for `settings.schemaCheckIntervalMs` (default 5 minutes; 0 checks
 * every run). A kept answer is only trusted to say "nothing is missing": when it lacks a
 * mapped field the object is described again before anything is marked (a field created and
 * mapped since), and a run that stops on an error forgets the connection's answers (Salesforce
 * and Dataverse refuse a query naming a dropped field, so a drop within the interval fails one
 * run as VALIDATION and the next run reports it as drift).
 */
import type { DataSource } from 'typeorm';
import { SystemError, type SystemAdapter } from '../../system';
import { logError } from '../health/error-log';
import { SCHEMA_DRIFT_CODE } from '../health/health-snapshot';
import type { RecordMapper } from '../mapping/field-map';
import { mappersFor } from '../mapping/registry';
import { blocksObject, missingFields, type SchemaDrift } from '../mapping/schema-drift';
import type { ConnectionEntity } from '../store/entities';

const DRIFT_REASON_PREFIX = 'schema drift:';
export const DEFAULT_SCHEMA_CHECK_INTERVAL_MS = 5 * 60_000;

// Kept describe answers, per connection and object, in this process.
const described = new Map<string, { fields: string[]; at: number }>();

/** Forgets a connection's kept describe answers (after a run stopped on an error). */
export function forgetDescribes(connectionId: string): void {
  for (const key of described.keys()) if (key.startsWith(`${connectionId}\n`)) described.delete(key);
}

function intervalOf(connection: ConnectionEntity): number {
  const v = connection.settings?.schemaCheckIntervalMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_SCHEMA_CHECK_INTERVAL_MS;
}

/** The fields still missing after the object's describe: a kept answer when it lacks nothing, else a fresh one. */
async function stillMissing(connection: ConnectionEntity, adapter: SystemAdapter, mapper: RecordMapper, now: number): Promise<string[]> {
  const key = `${connection.id}\n${mapper.remoteType}`;
  const kept = described.get(key);
  if (kept && now - kept.at < intervalOf(connection) && !missingFields(mapper, kept.fields).length) return [];
  const fields = await adapter.describeFields(mapper.remoteType);
  described.set(key, { fields, at: now });
  return missingFields(mapper, fields);
}

/** Mapped fields missing from a CRM object's describe: its own error class, SCHEMA. */
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

export interface SchemaCheckOutcome {
  drift: SchemaDrift;
  /** Remote types not pulled this run: a field the mapper's hooks need is missing. */
  blocked: Set<string>;
  errors: SchemaDriftError[];
}

/**
 * Checks the connection's mapped fields against the CRM, records the outcome on the connection
 * (in the database and on the given entity, whose mappers then leave the missing fields out)
 * and logs each drifted object. Describe failures propagate: the run stops as for any call.
 */
export async function checkSchema(db: DataSource, connection: ConnectionEntity, adapter: SystemAdapter, runId: string): Promise<SchemaCheckOutcome> {
  const mappers: RecordMapper[] = mappersFor({ kind: connection.kind, settings: connection.settings });
  const wasDrifted = Object.keys(connection.schemaDrift ?? {}).length > 0;
  const drift: SchemaDrift = {};
  const blocked = new Set<string>();
  const errors: SchemaDriftError[] = [];
  const now = Date.now();
  for (const mapper of mappers) {
    const missing = await stillMissing(connection, adapter, mapper, now);
    if (!missing.length) continue;
    drift[mapper.remoteType] = missing;
    if (blocksObject(mapper, missing)) blocked.add(mapper.remoteType);
    errors.push(new SchemaDriftError(mapper.remoteType, missing));
  }
  connection.schemaDrift = drift;
  const drifted = errors.length > 0;
  if (drifted) {
    const reason = `${DRIFT_REASON_PREFIX} ${Object.entries(drift)
      .map(([type, fields]) => fields.map((f) => `${type}.${f}`).join(', '))
      .join(', ')} missing from the CRM's describe${blocked.size ? `; not syncing ${[...blocked].join(', ')}` : ''}`;
    // A paused connection stays paused (its pause says why); otherwise it is DEGRADED for this reason.
    await db.query(
      `UPDATE connections SET schema_drift = $2, status = CASE WHEN status = 'PAUSED' THEN status ELSE 'DEGRADED' END,
         status_reason = CASE WHEN status = 'PAUSED' THEN status_reason ELSE $3 END, updated_at = now() WHERE id = $1`,
      [connection.id, JSON.stringify(drift), reason.slice(0, 500)],
    );
    for (const e of errors)
      await logError(db.manager, {
        connectionId: connection.id,
        runId,
        errorClass: e.errorClass,
        code: e.code,
        message: e.message,
        endpoint: e.details.endpoint ?? null,
      });
  } else if (wasDrifted) {
    await db.query(
      `UPDATE connections SET schema_drift = '{}'::jsonb,
         status = CASE WHEN status = 'DEGRADED' AND status_reason LIKE '${DRIFT_REASON_PREFIX}%' THEN 'HEALTHY' ELSE status END,
         status_reason = CASE WHEN status = 'DEGRADED' AND status_reason LIKE '${DRIFT_REASON_PREFIX}%' THEN NULL ELSE status_reason END,
         updated_at = now() WHERE id = $1`,
      [connection.id],
    );
  }
  return { drift, blocked, errors };
}
