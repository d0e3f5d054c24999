/**
 * Field provenance as a sync page reads and writes it (table field_provenance): which
 * connection set each field of a record, and when — what the field resolver weighs an
 * incoming change against. Read for a page's records in one statement, written in one per
 * page.
 */
import type { UnifiedValue } from '../../model';
import type { Provenance } from '../../resolve/field-resolver';
import type { Queryable } from '../queryable';

export interface FieldProvenance extends Provenance {
  recordId: string;
  field: string;
}

export interface ProvenanceWrite {
  recordId: string;
  field: string;
  value: UnifiedValue;
  connectionId: string | null;
  changedAt: Date;
}

/** The provenance of every field of these records. */
export async function provenanceOfRecords(q: Queryable, recordIds: readonly string[]): Promise<FieldProvenance[]> {
  if (!recordIds.length) return [];
  const rows = (await q.query(`SELECT record_id, field, connection_id, changed_at FROM field_provenance WHERE record_id = ANY($1)`, [recordIds])) as Array<{
    record_id: string;
    field: string;
    connection_id: string | null;
    changed_at: Date;
  }>;
  return rows.map((r) => ({ recordId: r.record_id, field: r.field, connectionId: r.connection_id, changedAt: new Date(r.changed_at) }));
}

/**
 * Writes provenance rows, each (record, field) at most once. New records' rows are a plain
 * insert (`fresh`: nothing to conflict with); changed records' an upsert.
 */
export async function writeProvenance(q: Queryable, rows: readonly ProvenanceWrite[], fresh: boolean): Promise<void> {
  const onConflict = fresh ? '' : 'ON CONFLICT (record_id, field) DO UPDATE SET value = EXCLUDED.value, connection_id = EXCLUDED.connection_id, changed_at = EXCLUDED.changed_at';
  await q.query(
    `INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[], $5::timestamptz[]) ${onConflict}`,
    [rows.map((r) => r.recordId), rows.map((r) => r.field), rows.map((r) => JSON.stringify(r.value ?? null)), rows.map((r) => r.connectionId), rows.map((r) => r.changedAt)],
  );
}
