/**
 * UNIQUE needs the store: a value is taken when another live record already holds it. The
 * record's own contact (its source link) and the same person do not count — a contact that
 * shares an exact match key (email, phone or LinkedIn URL; matching merges those) or, for a
 * company, the domain. Only enabled UNIQUE rules cost a query, one per rule
 * (store/quality/unique-value.repository.ts).
 */
import type { RecordKind, UnifiedValue } from '../../model';
import type { Queryable } from '../../store/queryable';
import { valueHeldByAnother } from '../../store/quality/unique-value.repository';
import type { RuleContext, ValidationRule } from './rule-types';

export async function uniqueContext(
  m: Pick<Queryable, 'query'>,
  rules: readonly ValidationRule[],
  kind: RecordKind,
  values: Partial<Record<string, UnifiedValue>>,
  ownId: string | null,
): Promise<RuleContext> {
  const taken = new Set<string>();
  for (const rule of rules) {
    if (!rule.enabled || rule.rule !== 'UNIQUE' || rule.recordKind !== kind) continue;
    const value = values[rule.field];
    if (!value) continue;
    if (await valueHeldByAnother(m, kind, rule.field, value, ownId, values)) taken.add(rule.field);
  }
  return { taken: (field) => taken.has(field) };
}
