/**
 * A sync page's unified records, written set-based (tables contacts and companies): one
 * statement per kind inserts the page's new records, one updates its changed ones, one
 * soft-deletes. Each row appears once per statement (the page writer merges a record's
 * changes first), as `UPDATE … FROM unnest` and the ordered insert require.
 */
import type { RecordKind, UnifiedValue } from '../../model';
import type { Queryable } from '../queryable';
import { columnsFor, splitCustom } from '../records/record-columns';

/** A record's values to write; `companyId` (contacts) and `nameKey` (companies) undefined: leave as is. */
export interface RecordValues {
  id: string;
  values: Record<string, UnifiedValue>;
  companyId?: string | null;
  nameKey?: string | null;
}

/** Column values a new contact gets when the page did not give them. */
const DEFAULTS: Partial<Record<string, string>> = { lifecycleStage: 'CONTACT' };
const TABLE: Record<RecordKind, string> = { CONTACT: 'contacts', COMPANY: 'companies' };
/** The one column beside the values each kind sets: a contact's company, a company's name key. */
const extraOf = (kind: RecordKind, r: RecordValues) => (kind === 'CONTACT' ? r.companyId : r.nameKey);

/** New records, created in the order given (each id chosen by the caller). */
export async function insertRecords(q: Queryable, kind: RecordKind, rows: readonly RecordValues[]): Promise<void> {
  const fields = Object.entries(columnsFor(kind));
  const cols = fields.map(([, c]) => c);
  const exprs = fields.map(([f]) => (DEFAULTS[f] && kind === 'CONTACT' ? `coalesce(x.v->>'${f}', '${DEFAULTS[f]}')` : `x.v->>'${f}'`));
  const [extraCol, extraExpr] = kind === 'CONTACT' ? ['company_id', 'x.extra::uuid'] : ['name_key', 'x.extra'];
  const doc = rows.map((r) => {
    const { columns, custom } = splitCustom(r.values);
    return { id: r.id, v: columns, extra: extraOf(kind, r) ?? null, custom };
  });
  // clock_timestamp(): rows keep the page's order, so "the oldest contact wins" stays deterministic.
  // One jsonb document, not jsonb[] arrays: pg escaped each array element in JavaScript (~30 ms a 1,000-row page).
  await q.query(
    `INSERT INTO ${TABLE[kind]} (id, ${cols.join(', ')}, ${extraCol}, custom, created_at)
       SELECT x.id, ${exprs.join(', ')}, ${extraExpr}, x.custom, clock_timestamp()
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id uuid, v jsonb, extra text, custom jsonb)) WITH ORDINALITY AS x(id, v, extra, custom, n) ORDER BY x.n`,
    [JSON.stringify(doc)],
  );
}

/** Sets the given values (others stay), merges custom fields, and sets the extra column where one is given. */
export async function updateRecords(q: Queryable, kind: RecordKind, rows: readonly RecordValues[]): Promise<void> {
  const sets = Object.entries(columnsFor(kind)).map(([f, c]) => `${c} = CASE WHEN x.v ? '${f}' THEN x.v->>'${f}' ELSE t.${c} END`);
  const extraCol = kind === 'CONTACT' ? 'company_id' : 'name_key';
  const extraExpr = kind === 'CONTACT' ? 'x.extra::uuid' : 'x.extra';
  await q.query(
    `UPDATE ${TABLE[kind]} t SET ${sets.join(', ')}, ${extraCol} = CASE WHEN x.set_extra THEN ${extraExpr} ELSE t.${extraCol} END,
         custom = t.custom || x.custom, updated_at = now()
       FROM unnest($1::uuid[], $2::jsonb[], $3::bool[], $4::text[], $5::jsonb[]) AS x(id, v, set_extra, extra, custom) WHERE t.id = x.id`,
    [
      rows.map((r) => r.id),
      rows.map((r) => JSON.stringify(splitCustom(r.values).columns)),
      rows.map((r) => extraOf(kind, r) !== undefined),
      rows.map((r) => extraOf(kind, r) ?? null),
      rows.map((r) => JSON.stringify(splitCustom(r.values).custom)),
    ],
  );
}

/** Marks records deleted at their given time; one deleted already keeps its first time. */
export async function softDeleteRecords(q: Queryable, kind: RecordKind, rows: ReadonlyArray<{ id: string; at: Date }>): Promise<void> {
  await q.query(
    `UPDATE ${TABLE[kind]} t SET deleted_at = coalesce(t.deleted_at, x.at), updated_at = now() FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE t.id = x.id`,
    [rows.map((r) => r.id), rows.map((r) => r.at)],
  );
}
