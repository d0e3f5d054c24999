/**
 * UNIQUE needs the store: a value is taken when another live record already holds it. The
 * record's own contact (its source link) and the same person do not count — a contact that
 * shares an exact match key (email, phone or LinkedIn URL; matching merges those) or, for a
 * company, the domain. Only enabled UNIQUE rules cost a query, one per rule.
 *
 * A rule's field is a column (`email`) or a custom field (`custom.badge`), which lives in the
 * record's `custom` jsonb under the key without the prefix (record-store.ts); the containment
 * test `custom @> {"badge": …}` is what the GIN index on `custom` serves.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind, UnifiedValue } from '../../model';
import { columnsFor, CUSTOM_PREFIX } from '../../store/record-store';
import type { RuleContext, ValidationRule } from './rule-types';

export async function uniqueContext(
  m: Pick<EntityManager, 'query'>,
  rules: readonly ValidationRule[],
  kind: RecordKind,
  values: Partial<Record<string, UnifiedValue>>,
  ownId: string | null,
): Promise<RuleContext> {
  const taken = new Set<string>();
  const table = kind === 'CONTACT' ? 'contacts' : 'companies';
  const live = kind === 'CONTACT' ? 'merged_into IS NULL' : 'deleted_at IS NULL';
  // Parameters $3… are the record's own keys; a null key matches nothing, so it never excuses a holder.
  const [samePerson, keys] =
    kind === 'CONTACT'
      ? ['coalesce(email = $3 OR phone = $4 OR linkedin_url = $5, false)', [values.email ?? null, values.phone ?? null, values.linkedinUrl ?? null]]
      : ['coalesce(domain = $3, false)', [values.domain ?? null]];
  for (const rule of rules) {
    if (!rule.enabled || rule.rule !== 'UNIQUE' || rule.recordKind !== kind) continue;
    const value = values[rule.field];
    if (!value) continue;
    const holds = holdsValue(kind, rule.field);
    if (!holds) continue;
    const rows = (await m.query(`SELECT 1 FROM ${table} WHERE ${holds} AND ${live} AND id IS DISTINCT FROM $2 AND NOT ${samePerson} LIMIT 1`, [
      holds.startsWith('custom') ? JSON.stringify({ [rule.field.slice(CUSTOM_PREFIX.length)]: value }) : value,
      ownId,
      ...keys,
    ])) as unknown[];
    if (rows.length) taken.add(rule.field);
  }
  return { taken: (field) => taken.has(field) };
}

/** The condition "this record holds $1" for a unified field, or undefined for a field the store has no place for. */
function holdsValue(kind: RecordKind, field: string): string | undefined {
  if (field.startsWith(CUSTOM_PREFIX)) return `custom @> $1::jsonb`;
  const column = columnsFor(kind)[field];
  return column ? `${column} = $1` : undefined;
}
