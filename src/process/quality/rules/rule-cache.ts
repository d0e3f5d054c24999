/**
 * Loads the validation rules once per page/run and keeps them until they change: each load
 * first asks for the table's stamp (row count + latest change), a one-row query, and reuses
 * the cached rules when it is unchanged — so an edit on any instance is seen on the next page.
 * Edits made here drop the cache at once.
 */
import type { Queryable } from '../../store/queryable';
import type { RecordKind } from '../../model';
import {
  allValidationRules,
  saveValidationRule,
  setValidationRuleEnabled,
  validationRulesStamp,
  type RuleInput,
} from '../../store/quality/validation-rule.repository';
import type { ValidationRule } from './rule-types';

export type { RuleInput } from '../../store/quality/validation-rule.repository';

let cache: { stamp: string; rules: ValidationRule[] } | undefined;

/** Only `query`: the sync pipeline loads rules with its own `Pick<EntityManager, 'query'>`. */
type Q = Pick<Queryable, 'query'>;

export async function loadRules(m: Q): Promise<ValidationRule[]> {
  const stamp = await validationRulesStamp(m);
  if (cache?.stamp === stamp) return cache.rules;
  const rules = await allValidationRules(m);
  cache = { stamp, rules };
  return rules;
}

/** Forces the next load to read the table (tests; the stamp already covers edits). */
export function invalidateRuleCache(): void {
  cache = undefined;
}

export async function listRules(m: Q, kind: RecordKind): Promise<ValidationRule[]> {
  return (await loadRules(m)).filter((r) => r.recordKind === kind);
}

/** One rule per (kind, field, type): adding an existing one changes it. */
export async function upsertRule(m: Q, input: RuleInput): Promise<ValidationRule> {
  const rule = await saveValidationRule(m, input);
  invalidateRuleCache();
  return rule;
}

export async function setRuleEnabled(m: Q, id: string, enabled: boolean): Promise<ValidationRule | undefined> {
  const rule = await setValidationRuleEnabled(m, id, enabled);
  invalidateRuleCache();
  return rule;
}
