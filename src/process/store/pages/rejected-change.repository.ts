/**
 * Changes a CRM sent that the store refused (table rejected_changes): kept per record, field
 * and connection where a person can see them, never silently lost. The refusing CRM is then
 * sent the store's value — once per refused value, which is what `recordRejections` answers.
 */
import type { UnifiedValue } from '../../model';
import { returnedRows, type Queryable } from '../queryable';

export interface Rejection {
  recordId: string;
  field: string;
  value: UnifiedValue;
  reason: string;
  changedAt: Date;
}

/**
 * Keeps the connection's refused changes (each record and field at most once) and returns the
 * records for which one is news: a value not refused before. The same value refused again (a
 * CRM that cannot hold the store's value) is not news, so it never becomes a write loop.
 */
export async function recordRejections(q: Queryable, connectionId: string, rows: readonly Rejection[]): Promise<Set<string>> {
  const result = await q.query(
    `INSERT INTO rejected_changes (record_id, field, connection_id, value, reason, changed_at)
       SELECT x.record_id, x.field, $1, x.value, x.reason, x.at FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[]) AS x(record_id, field, value, reason, at)
       ON CONFLICT (record_id, field, connection_id) DO UPDATE SET value = EXCLUDED.value, reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at, recorded_at = now()
       WHERE rejected_changes.value IS DISTINCT FROM EXCLUDED.value
       RETURNING record_id`,
    [connectionId, rows.map((r) => r.recordId), rows.map((r) => r.field), rows.map((r) => JSON.stringify(r.value ?? null)), rows.map((r) => r.reason), rows.map((r) => r.changedAt)],
  );
  return new Set(returnedRows<{ record_id: string }>(result).map((r) => r.record_id));
}
