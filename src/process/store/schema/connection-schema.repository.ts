/**
 * What the schema watch records on a connection (table connections): the org features the
 * CRM's describes showed, and the mapped fields missing from them (schema drift) with the
 * status that follows — DEGRADED while a field is missing, HEALTHY again once a drift-only
 * degradation is gone. A drift reason starts with DRIFT_REASON_PREFIX, which is how a
 * degradation is known to be the drift's own; a PAUSED connection stays paused.
 */
import type { Queryable } from '../queryable';

export const DRIFT_REASON_PREFIX = 'schema drift:';

export async function saveOrgFeatures(q: Queryable, connectionId: string, features: Record<string, boolean> | null): Promise<void> {
  await q.query(`UPDATE connections SET org_features = $2 WHERE id = $1`, [connectionId, JSON.stringify(features)]);
}

/** `drift`: the missing fields per remote type (not empty); `reason` starts with DRIFT_REASON_PREFIX. */
export async function markSchemaDrift(q: Queryable, connectionId: string, drift: Record<string, string[]>, reason: string): Promise<void> {
  await q.query(
    `UPDATE connections SET schema_drift = $2, status = CASE WHEN status = 'PAUSED' THEN status ELSE 'DEGRADED' END,
           status_reason = CASE WHEN status = 'PAUSED' THEN status_reason ELSE $3 END, updated_at = now() WHERE id = $1`,
    [connectionId, JSON.stringify(drift), reason.slice(0, 500)],
  );
}

/** No drift is left: a degradation that was the drift's own ends. */
export async function clearSchemaDrift(q: Queryable, connectionId: string): Promise<void> {
  await q.query(
    `UPDATE connections SET schema_drift = '{}'::jsonb,
           status = CASE WHEN status = 'DEGRADED' AND status_reason LIKE '${DRIFT_REASON_PREFIX}%' THEN 'HEALTHY' ELSE status END,
           status_reason = CASE WHEN status = 'DEGRADED' AND status_reason LIKE '${DRIFT_REASON_PREFIX}%' THEN NULL ELSE status_reason END,
           updated_at = now() WHERE id = $1`,
    [connectionId],
  );
}
