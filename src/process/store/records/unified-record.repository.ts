/**
 * Unified contacts and companies as stored (tables contacts, companies, field_provenance):
 * loaded by id (one statement per batch), inserted, updated, and each field's provenance.
 * Written against a transaction's EntityManager (never a second connection: the embedded
 * database has one session).
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind, UnifiedValue } from '../../model';
import type { Provenance } from '../../resolve/field-resolver';
import { columnsFor, CUSTOM_PREFIX, splitCustom, tableFor } from './record-columns';
import { writeProvenance } from '../pages/field-provenance.repository';

/** As before the move: any handle that runs a statement (the sync's page code passes a narrowed one). */
type Queryable = Pick<EntityManager, 'query'>;

export interface StoredRecord {
  id: string;
  values: Record<string, UnifiedValue>;
  companyId: string | null;
  verified: Set<string>;
  deletedAt: Date | null;
}

function selectList(kind: RecordKind): string {
  const select = Object.entries(columnsFor(kind)).map(([f, c]) => `${c} AS "${f}"`).join(', ');
  const extra = kind === 'CONTACT' ? ', company_id AS "companyId", verified_fields AS "verified"' : ', NULL AS "companyId", NULL AS "verified"';
  return `id, deleted_at AS "deletedAt", custom AS "__custom", ${select}${extra}`;
}

function toStored(kind: RecordKind, row: Record<string, unknown>): StoredRecord {
  const values: Record<string, UnifiedValue> = {};
  for (const f of Object.keys(columnsFor(kind))) values[f] = (row[f] as string | null) ?? null;
  for (const [k, v] of Object.entries((row.__custom as Record<string, unknown> | null) ?? {})) values[CUSTOM_PREFIX + k] = v === null || v === undefined ? null : String(v);
  return {
    id: row.id as string,
    values,
    companyId: (row.companyId as string | null) ?? null,
    verified: new Set((row.verified as string[] | null) ?? []),
    deletedAt: (row.deletedAt as Date | null) ?? null,
  };
}

export async function loadRecord(m: Queryable, kind: RecordKind, id: string): Promise<StoredRecord | undefined> {
  return (await loadRecords(m, kind, [id])).get(id);
}

/** Many records of one kind in one query (a page, an outbox batch); missing ids are absent. */
export async function loadRecords(m: Queryable, kind: RecordKind, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
  const out = new Map<string, StoredRecord>();
  if (!ids.length) return out;
  const rows = (await m.query(`SELECT ${selectList(kind)} FROM ${tableFor(kind)} WHERE id = ANY($1)`, [ids])) as Array<Record<string, unknown>>;
  for (const row of rows) out.set(row.id as string, toStored(kind, row));
  return out;
}

export async function loadProvenance(m: EntityManager, id: string): Promise<Map<string, Provenance>> {
  const rows = (await m.query(`SELECT field, connection_id, changed_at FROM field_provenance WHERE record_id = $1`, [id])) as Array<{ field: string; connection_id: string | null; changed_at: Date }>;
  return new Map(rows.map((r) => [r.field, { connectionId: r.connection_id, changedAt: new Date(r.changed_at) }]));
}

export async function insertRecord(m: EntityManager, kind: RecordKind, values: Record<string, UnifiedValue>, extra: { companyId?: string | null; nameKey?: string | null } = {}): Promise<string> {
  const cols = columnsFor(kind);
  const names: string[] = [];
  const params: unknown[] = [];
  const { columns, custom } = splitCustom(values);
  for (const [f, v] of Object.entries(columns)) {
    const col = cols[f];
    if (!col || v === null || v === undefined) continue;
    names.push(col);
    params.push(v);
  }
  if (Object.keys(custom).length) {
    names.push('custom');
    params.push(JSON.stringify(custom));
  }
  if (kind === 'CONTACT' && extra.companyId) {
    names.push('company_id');
    params.push(extra.companyId);
  }
  if (kind === 'COMPANY') {
    names.push('name_key');
    params.push(extra.nameKey ?? null);
  }
  const placeholders = params.map((_, i) => `$${i + 1}`).join(', ');
  const sql = names.length ? `INSERT INTO ${tableFor(kind)} (${names.join(', ')}) VALUES (${placeholders}) RETURNING id` : `INSERT INTO ${tableFor(kind)} DEFAULT VALUES RETURNING id`;
  const rows = (await m.query(sql, params)) as Array<{ id: string }>;
  return rows[0]!.id;
}

export async function updateRecord(m: EntityManager, kind: RecordKind, id: string, values: Record<string, UnifiedValue>, extra: { companyId?: string | null; nameKey?: string | null; undelete?: boolean } = {}): Promise<void> {
  const cols = columnsFor(kind);
  const sets: string[] = [];
  const params: unknown[] = [id];
  const { columns, custom } = splitCustom(values);
  for (const [f, v] of Object.entries(columns)) {
    const col = cols[f];
    if (!col) continue;
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  }
  if (Object.keys(custom).length) {
    params.push(JSON.stringify(custom));
    sets.push(`custom = custom || $${params.length}::jsonb`);
  }
  if (kind === 'CONTACT' && extra.companyId !== undefined) {
    params.push(extra.companyId);
    sets.push(`company_id = $${params.length}`);
  }
  if (kind === 'COMPANY' && extra.nameKey !== undefined) {
    params.push(extra.nameKey);
    sets.push(`name_key = $${params.length}`);
  }
  if (!sets.length) return;
  await m.query(`UPDATE ${tableFor(kind)} SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
}

export async function recordProvenance(m: EntityManager, id: string, values: Record<string, UnifiedValue>, connectionId: string | null, changedAt: Date): Promise<void> {
  const fields = Object.keys(values);
  if (!fields.length) return;
  await writeProvenance(m, fields.map((field) => ({ recordId: id, field, value: values[field] ?? null, connectionId, changedAt })), false);
}
