/**
 * Validation rules as stored (table validation_rules): one row per (record kind, field, rule
 * type). The table's stamp (row count + latest change) is a one-row query that lets a cache
 * (quality/rules/rule-cache.ts) tell whether its rules are still current.
 */
import type { RecordKind } from '../../model';
import type { RuleParams, RuleType, ValidationRule } from '../../quality/rules/rule-types';
import { returnedRows, type Queryable } from '../queryable';

interface RuleRow {
  id: string;
  record_kind: RecordKind;
  field: string;
  rule: RuleType;
  params: RuleParams;
  enabled: boolean;
}

/** What a rule is saved as: one per (kind, field, type). */
export interface RuleInput {
  recordKind: RecordKind;
  field: string;
  rule: RuleType;
  params: RuleParams;
  enabled: boolean;
}

/** Only `query`: the sync pipeline calls these with its own `Pick<EntityManager, 'query'>`. */
type Q = Pick<Queryable, 'query'>;

/** Changes whenever a rule is added, removed or edited. */
export async function validationRulesStamp(m: Q): Promise<string> {
  const [row] = (await m.query(`SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS stamp FROM validation_rules`)) as Array<{ stamp: string }>;
  return row?.stamp ?? '';
}

export async function allValidationRules(m: Q): Promise<ValidationRule[]> {
  const rows = (await m.query(`SELECT id, record_kind, field, rule, params, enabled FROM validation_rules ORDER BY record_kind, field, rule`)) as RuleRow[];
  return rows.map(toRule);
}

/** One rule per (kind, field, type): adding an existing one changes it. */
export async function saveValidationRule(m: Q, input: RuleInput): Promise<ValidationRule> {
  const rows = (await m.query(
    `INSERT INTO validation_rules (record_kind, field, rule, params, enabled) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (record_kind, field, rule) DO UPDATE SET params = EXCLUDED.params, enabled = EXCLUDED.enabled, updated_at = clock_timestamp()
     RETURNING id, record_kind, field, rule, params, enabled`,
    [input.recordKind, input.field, input.rule, JSON.stringify(input.params), input.enabled],
  )) as RuleRow[];
  return toRule(rows[0]!);
}

/** The rule as it now is, or undefined when no rule has this id. */
export async function setValidationRuleEnabled(m: Q, id: string, enabled: boolean): Promise<ValidationRule | undefined> {
  const rows = returnedRows<RuleRow>(
    await m.query(`UPDATE validation_rules SET enabled = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING id, record_kind, field, rule, params, enabled`, [id, enabled]),
  );
  return rows[0] ? toRule(rows[0]) : undefined;
}

function toRule(r: RuleRow): ValidationRule {
  return { id: r.id, recordKind: r.record_kind, field: r.field, rule: r.rule, params: r.params ?? {}, enabled: r.enabled };
}
