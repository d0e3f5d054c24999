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

/** One field's entry in a record's provenance document: value, connection id, ISO time. */
export interface ProvenanceEntry {
  v?: unknown;
  c: string | null;
  at: string;
}

/** Record id → field → entry: what a page writes. */
export type ProvenanceDocs = Map<string, Record<string, ProvenanceEntry>>;

/** A field's entry as stored. */
export const provenanceEntry = (value: UnifiedValue | undefined, connectionId: string | null, at: string): ProvenanceEntry => ({ v: value ?? null, c: connectionId, at });

/** The provenance of every field of these records. */
export async function provenanceOfRecords(q: Queryable, recordIds: readonly string[]): Promise<FieldProvenance[]> {
  if (!recordIds.length) return [];
  const rows = (await q.query(`SELECT record_id, fields FROM record_provenance WHERE record_id = ANY($1)`, [recordIds])) as Array<{ record_id: string; fields: Record<string, ProvenanceEntry> }>;
  return rows.flatMap((r) => Object.entries(r.fields).map(([field, e]) => ({ recordId: r.record_id, field, connectionId: e.c, changedAt: new Date(e.at) })));
}

/** Writes provenance rows, each (record, field) at most once (see writeProvenanceDocs). */
export async function writeProvenance(q: Queryable, rows: readonly ProvenanceWrite[], fresh: boolean): Promise<void> {
  const docs: ProvenanceDocs = new Map();
  for (const r of rows) {
    let doc = docs.get(r.recordId);
    if (!doc) docs.set(r.recordId, (doc = {}));
    doc[r.field] = provenanceEntry(r.value, r.connectionId, r.changedAt.toISOString());
  }
  await writeProvenanceDocs(q, docs, fresh);
}

/**
 * Writes one document per record, sent as one jsonb parameter (record id → fields). New
 * records' documents are a plain insert (`fresh`: nothing to conflict with); changed records'
 * fields are merged into the stored document.
 */
export async function writeProvenanceDocs(q: Queryable, docs: ProvenanceDocs, fresh: boolean): Promise<void> {
  if (!docs.size) return;
  const onConflict = fresh ? '' : 'ON CONFLICT (record_id) DO UPDATE SET fields = record_provenance.fields || EXCLUDED.fields';
  await q.query(`INSERT INTO record_provenance (record_id, fields) SELECT key::uuid, value FROM jsonb_each($1::jsonb) ${onConflict}`, [JSON.stringify(Object.fromEntries(docs))]);
}
