/**
 * SQL for unified records, written against a transaction's EntityManager (never a second
 * connection: the embedded database has one session). Column names are fixed lists, never
 * taken from input.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind, UnifiedValue } from '../model';
import { companyKey } from '../normalize/contact-normalizer';
import type { Provenance } from '../resolve/field-resolver';
import { lockKeys } from './key-locks';

type Queryable = Pick<EntityManager, 'query'>;

const CONTACT_COLUMNS: Record<string, string> = {
  email: 'email', firstName: 'first_name', lastName: 'last_name', phone: 'phone', title: 'title', linkedinUrl: 'linkedin_url',
  city: 'city', state: 'state', country: 'country', postalCode: 'postal_code', lifecycleStage: 'lifecycle_stage',
};
const COMPANY_COLUMNS: Record<string, string> = { name: 'name', domain: 'domain', country: 'country' };

export const columnsFor = (kind: RecordKind) => (kind === 'CONTACT' ? CONTACT_COLUMNS : COMPANY_COLUMNS);
const tableFor = (kind: RecordKind) => (kind === 'CONTACT' ? 'contacts' : 'companies');

export interface StoredRecord {
  id: string;
  values: Record<string, UnifiedValue>;
  companyId: string | null;
  verified: Set<string>;
  deletedAt: Date | null;
}

/** Unified values under this prefix live in the record's `custom` jsonb column (SPEC §3 custom fields). */
export const CUSTOM_PREFIX = 'custom.';

/** Splits unified values into column values and `custom` entries (keys without the prefix). */
export function splitCustom(values: Record<string, UnifiedValue>): { columns: Record<string, UnifiedValue>; custom: Record<string, UnifiedValue> } {
  const columns: Record<string, UnifiedValue> = {};
  const custom: Record<string, UnifiedValue> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith(CUSTOM_PREFIX)) custom[k.slice(CUSTOM_PREFIX.length)] = v;
    else columns[k] = v;
  }
  return { columns, custom };
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
  await m.query(
    `INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at)
     SELECT $1, f, v, $4, $5 FROM unnest($2::text[], $3::jsonb[]) AS x(f, v)
     ON CONFLICT (record_id, field) DO UPDATE SET value = EXCLUDED.value, connection_id = EXCLUDED.connection_id, changed_at = EXCLUDED.changed_at`,
    [id, fields, fields.map((f) => JSON.stringify(values[f] ?? null)), connectionId, changedAt],
  );
}

/** Queues delivery of a record to every other enabled connection, in the same transaction. */
export async function enqueueOutbound(m: Queryable, kind: RecordKind, id: string, exceptConnectionId: string | null, sourceChangedAt: Date | null = null): Promise<void> {
  // A pending row keeps its earliest source time, so latency counts from the first unsent change.
  await m.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at)
     SELECT c.id, $1, $2, $4 FROM connections c WHERE c.enabled AND c.id IS DISTINCT FROM $3
     ON CONFLICT (connection_id, record_kind, record_id) WHERE delivered_at IS NULL DO NOTHING`,
    [kind, id, exceptConnectionId, sourceChangedAt],
  );
}

export interface LinkWrite {
  kind: RecordKind;
  recordId: string;
  remoteType: string;
  remoteId: string;
  /** The vendor's stamp when read; null for Junction's own writes (the stored stamp stays). */
  remoteUpdatedAt: Date | null;
  hash: string | null;
  /** The record's known state after this read or write (sync/known-state.ts); undefined leaves the stored one. */
  known?: Record<string, unknown>;
}

/**
 * One statement for a batch of source links; each (remoteType, remoteId) at most once, as ON
 * CONFLICT requires. A link's known state is replaced by the given one, or — with `readFields`
 * (a page read) — only those fields of it are: a read shows every mapped field, and what it
 * cannot show (Junction's delete flag) stays known.
 */
export async function upsertLinks(m: Queryable, connectionId: string, links: readonly LinkWrite[], readFields?: readonly string[]): Promise<void> {
  if (!links.length) return;
  await m.query(
    `INSERT INTO source_links (record_kind, record_id, connection_id, remote_type, remote_id, remote_updated_at, content_hash, known_state)
     SELECT x.kind, x.record_id, $1, x.remote_type, x.remote_id, x.at, x.hash, x.known
     FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::jsonb[]) AS x(kind, record_id, remote_type, remote_id, at, hash, known)
     ON CONFLICT (connection_id, remote_type, remote_id) DO UPDATE SET
       record_id = EXCLUDED.record_id, remote_updated_at = coalesce(EXCLUDED.remote_updated_at, source_links.remote_updated_at),
       content_hash = EXCLUDED.content_hash, last_synced_at = now(),
       known_state = CASE WHEN EXCLUDED.known_state IS NULL THEN source_links.known_state
                          WHEN $9::text[] IS NULL THEN EXCLUDED.known_state
                          ELSE (coalesce(source_links.known_state, '{}'::jsonb) - $9::text[]) || EXCLUDED.known_state END`,
    [
      connectionId,
      links.map((l) => l.kind),
      links.map((l) => l.recordId),
      links.map((l) => l.remoteType),
      links.map((l) => l.remoteId),
      links.map((l) => l.remoteUpdatedAt),
      links.map((l) => l.hash),
      links.map((l) => (l.known === undefined ? null : JSON.stringify(l.known))),
      readFields ?? null,
    ],
  );
}

/** Sets what Junction knows a linked record holds (a quarantine fix: the CRM still holds what was read, not the fix). */
export async function setKnownState(m: Queryable, connectionId: string, remoteType: string, remoteId: string, known: Record<string, unknown>): Promise<void> {
  await m.query(`UPDATE source_links SET known_state = $4 WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [connectionId, remoteType, remoteId, JSON.stringify(known)]);
}

/** Only the fields that carry a value: what a new record's provenance records. */
export function nonNull(values: Partial<Record<string, UnifiedValue>>): Record<string, UnifiedValue> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined)) as Record<string, UnifiedValue>;
}

/** The live company with this domain (preferred) or name key, under the company key lock. */
export async function findCompany(m: EntityManager, domain: UnifiedValue, name: UnifiedValue): Promise<string | undefined> {
  const key = companyKey(name);
  await lockKeys(m, 'company', [key ?? domain ?? '']);
  const rows = (await m.query(
    `SELECT id FROM companies WHERE deleted_at IS NULL AND (($1::text IS NOT NULL AND domain = $1) OR ($2::text IS NOT NULL AND name_key = $2))
     ORDER BY (domain = $1) DESC NULLS LAST, created_at LIMIT 1`,
    [domain, key],
  )) as Array<{ id: string }>;
  return rows[0]?.id;
}

/**
 * A company known only by name (a Lead's Company, a HubSpot contact's company text, a partner's
 * record) is found by its name key, or becomes a record queued for every other connection.
 */
export async function findOrCreateCompanyByName(m: EntityManager, name: UnifiedValue, sourceConnectionId: string | null): Promise<string> {
  const existing = await findCompany(m, null, name);
  if (existing) return existing;
  const id = await insertRecord(m, 'COMPANY', { name }, { nameKey: companyKey(name) });
  await recordProvenance(m, id, { name }, sourceConnectionId, new Date());
  await enqueueOutbound(m, 'COMPANY', id, sourceConnectionId);
  return id;
}
