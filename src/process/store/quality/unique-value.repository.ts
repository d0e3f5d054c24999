/**
 * What a UNIQUE rule asks the store: which live records already hold a value. A rule's field
 * is a column (`email`) or a custom field (`custom.badge`), which lives in the record's
 * `custom` jsonb under the key without the prefix (records/record-columns.ts). Holders that are the same
 * person (a contact sharing an email, phone or LinkedIn URL; a company sharing the domain) do
 * not count; the rules (quality/rules/) decide that from the keys returned here, or the
 * single-record question asks it in SQL.
 */
import type { RecordKind, UnifiedValue } from '../../model';
import type { Queryable } from '../queryable';
import { columnsFor, CUSTOM_PREFIX } from '../records/record-columns';

/** Only `query`: the sync pipeline calls these with its own `Pick<EntityManager, 'query'>`. */
type Q = Pick<Queryable, 'query'>;
type Values = Partial<Record<string, UnifiedValue>>;

/** The keys that make two records the same person (or company): unified field and its column. */
export const SAMENESS: Record<RecordKind, Array<[field: string, column: string]>> = {
  CONTACT: [
    ['email', 'email'],
    ['phone', 'phone'],
    ['linkedinUrl', 'linkedin_url'],
  ],
  COMPANY: [['domain', 'domain']],
};

const tableOf = (kind: RecordKind) => (kind === 'CONTACT' ? 'contacts' : 'companies');
const liveOf = (kind: RecordKind) => (kind === 'CONTACT' ? 'merged_into IS NULL' : 'deleted_at IS NULL');

/**
 * Whether a live record other than `ownId`, and not the same person as `values`, holds
 * `value` in `field`. The containment test `custom @> {"badge": …}` is what the GIN index on
 * `custom` serves. A field the store has no place for is held by nobody.
 */
export async function valueHeldByAnother(m: Q, kind: RecordKind, field: string, value: string, ownId: string | null, values: Values): Promise<boolean> {
  const holds = holdsValue(kind, field);
  if (!holds) return false;
  // Parameters $3… are the record's own keys; a null key matches nothing, so it never excuses a holder.
  const [samePerson, keys] =
    kind === 'CONTACT'
      ? ['coalesce(email = $3 OR phone = $4 OR linkedin_url = $5, false)', [values.email ?? null, values.phone ?? null, values.linkedinUrl ?? null]]
      : ['coalesce(domain = $3, false)', [values.domain ?? null]];
  const rows = (await m.query(`SELECT 1 FROM ${tableOf(kind)} WHERE ${holds} AND ${liveOf(kind)} AND id IS DISTINCT FROM $2 AND NOT ${samePerson} LIMIT 1`, [
    holds.startsWith('custom') ? JSON.stringify({ [field.slice(CUSTOM_PREFIX.length)]: value }) : value,
    ownId,
    ...keys,
  ])) as unknown[];
  return rows.length > 0;
}

/** Whether the store has a place for the field's value (a column, or a custom field). */
export function storesField(kind: RecordKind, field: string): boolean {
  return !!valueSql(kind, field);
}

/** Every live record holding one of `wanted` in `field`: its id, the value (`v`) and its sameness keys, in one query. */
export async function holdersOf(m: Q, kind: RecordKind, field: string, wanted: readonly string[]): Promise<Array<{ id: string; v: string } & Values>> {
  const value = valueSql(kind, field)!;
  const keyColumns = SAMENESS[kind].map(([f, column]) => `${column} AS "${f}"`).join(', ');
  const params = field.startsWith(CUSTOM_PREFIX) ? [wanted, field.slice(CUSTOM_PREFIX.length)] : [wanted];
  return (await m.query(`SELECT id, ${value} AS v, ${keyColumns} FROM ${tableOf(kind)} WHERE ${value} = ANY($1::text[]) AND ${liveOf(kind)}`, params)) as Array<{ id: string; v: string } & Values>;
}

/** The condition "this record holds $1" for a unified field, or undefined for a field the store has no place for. */
function holdsValue(kind: RecordKind, field: string): string | undefined {
  if (field.startsWith(CUSTOM_PREFIX)) return `custom @> $1::jsonb`;
  const column = columnsFor(kind)[field];
  return column ? `${column} = $1` : undefined;
}

/** The SQL for a record's value of a unified field: its column, or its entry in `custom` (the key is parameter $2). */
function valueSql(kind: RecordKind, field: string): string | undefined {
  if (field.startsWith(CUSTOM_PREFIX)) return `(custom ->> $2::text)`;
  return columnsFor(kind)[field];
}
