/**
 * UNIQUE needs the store: a value is taken when another live record already holds it. The
 * record's own contact (its source link) and a contact with the same email (the same person)
 * do not count. Only enabled UNIQUE rules cost a query, one per rule.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind, UnifiedValue } from '../../model';
import { columnsFor } from '../../sync/record-store';
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
  const sameness = kind === 'CONTACT' ? 'email IS DISTINCT FROM $3' : 'domain IS DISTINCT FROM $3';
  for (const rule of rules) {
    if (!rule.enabled || rule.rule !== 'UNIQUE' || rule.recordKind !== kind) continue;
    const column = columnsFor(kind)[rule.field];
    const value = values[rule.field];
    if (!column || !value) continue;
    const rows = (await m.query(`SELECT 1 FROM ${table} WHERE ${column} = $1 AND ${live} AND id IS DISTINCT FROM $2 AND ${sameness} LIMIT 1`, [
      value,
      ownId,
      (kind === 'CONTACT' ? values.email : values.domain) ?? null,
    ])) as unknown[];
    if (rows.length) taken.add(rule.field);
  }
  return { taken: (field) => taken.has(field) };
}
