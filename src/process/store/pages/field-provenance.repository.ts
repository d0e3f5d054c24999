/**
 * Field provenance as a sync page reads and writes it: which connection set each field of a
 * record, and when — what the field resolver weighs an incoming change against. Stored as one
 * jsonb document per record (table record_provenance, migration 044: field → {v: value,
 * c: connection id, at: time}); the view field_provenance shows it a row per field. Read for a
 * page's records in one statement, written in one per page.
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

/** One field's entry in a record's provenance document. */
interface Entry {
  v?: unknown;
  c: string | null;
  at: string;
}

/** The provenance of every field of these records. */
export async function provenanceOfRecords(q: Queryable, recordIds: readonly string[]): Promise<FieldProvenance[]> {
  if (!recordIds.length) return [];
  const rows = (await q.query(`SELECT record_id, fields FROM record_provenance WHERE record_id = ANY($1)`, [recordIds])) as Array<{ record_id: string; fields: Record<string, Entry> }>;
  return rows.flatMap((r) => Object.entries(r.fields).map(([field, e]) => ({ recordId: r.record_id, field, connectionId: e.c, changedAt: new Date(e.at) })));
}

/**
 * Writes provenance, each (record, field) at most once: one document per record, sent as one
 * jsonb parameter (record id → fields). New records' documents are a plain insert (`fresh`:
 * nothing to conflict with); changed records' fields are merged into the stored document.
 */
export async function writeProvenance(q: Queryable, rows: readonly ProvenanceWrite[], fresh: boolean): Promise<void> {
  const docs: Record<string, Record<string, Entry>> = {};
  for (const r of rows) (docs[r.recordId] ??= {})[r.field] = { v: r.value ?? null, c: r.connectionId, at: r.changedAt.toISOString() };
  const onConflict = fresh ? '' : 'ON CONFLICT (record_id) DO UPDATE SET fields = record_provenance.fields || EXCLUDED.fields';
  await q.query(`INSERT INTO record_provenance (record_id, fields) SELECT key::uuid, value FROM jsonb_each($1::jsonb) ${onConflict}`, [JSON.stringify(docs)]);
}
