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
 * One describe call per mapped object per run (Salesforce 3, HubSpot and Dynamics 2 each),
 * counted in the run's API calls. Not cached across runs on purpose: a field dropped between
 * two runs must be seen by the next one — Salesforce and Dataverse would otherwise fail the
 * whole query on it, and a stale answer would hide the drift for as long as it is kept.
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

/** Mapped fields missing from a CRM object's describe: its own error class, SCHEMA. */
export class SchemaDriftError extends SystemError {
  constructor(
    readonly remoteType: string,
    readonly missing: string[],
  ) {
    super('SCHEMA', SCHEMA_DRIFT_CODE, `${remoteType} no longer has mapped field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (not in the CRM's describe); they are skipped until restored or unmapped`, {
      endpoint: `describe ${remoteType}`,
    });
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
  for (const mapper of mappers) {
    const described = await adapter.describeFields(mapper.remoteType);
    const missing = missingFields(mapper, described);
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
      await logError(db.manager, { connectionId: connection.id, runId, errorClass: e.errorClass, code: e.code, message: e.message, endpoint: e.details.endpoint ?? null });
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
