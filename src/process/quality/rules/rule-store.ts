/**
 * Loads the validation rules once per page/run and keeps them until they change: each load
 * first asks for the table's stamp (row count + latest change), a one-row query, and reuses
 * the cached rules when it is unchanged — so an edit on any instance is seen on the next page.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind } from '../../model';
import type { RuleParams, RuleType, ValidationRule } from './rule-types';

interface RuleRow {
  id: string;
  record_kind: RecordKind;
  field: string;
  rule: RuleType;
  params: RuleParams;
  enabled: boolean;
}

let cache: { stamp: string; rules: ValidationRule[] } | undefined;

type Queryable = Pick<EntityManager, 'query'>;

export async function loadRules(m: Queryable): Promise<ValidationRule[]> {
  const [row] = (await m.query(`SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') AS stamp FROM validation_rules`)) as Array<{ stamp: string }>;
  const stamp = row?.stamp ?? '';
  if (cache?.stamp === stamp) return cache.rules;
  const rows = (await m.query(`SELECT id, record_kind, field, rule, params, enabled FROM validation_rules ORDER BY record_kind, field, rule`)) as RuleRow[];
  const rules = rows.map(toRule);
  cache = { stamp, rules };
  return rules;
}

/** Forces the next load to read the table (tests; the stamp already covers edits). */
export function invalidateRuleCache(): void {
  cache = undefined;
}

export async function listRules(m: Queryable, kind: RecordKind): Promise<ValidationRule[]> {
  return (await loadRules(m)).filter((r) => r.recordKind === kind);
}

export interface RuleInput {
  recordKind: RecordKind;
  field: string;
  rule: RuleType;
  params: RuleParams;
  enabled: boolean;
}

/** One rule per (kind, field, type): adding an existing one changes it. */
export async function upsertRule(m: Queryable, input: RuleInput): Promise<ValidationRule> {
  const rows = (await m.query(
    `INSERT INTO validation_rules (record_kind, field, rule, params, enabled) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (record_kind, field, rule) DO UPDATE SET params = EXCLUDED.params, enabled = EXCLUDED.enabled, updated_at = clock_timestamp()
     RETURNING id, record_kind, field, rule, params, enabled`,
    [input.recordKind, input.field, input.rule, JSON.stringify(input.params), input.enabled],
  )) as RuleRow[];
  invalidateRuleCache();
  return toRule(rows[0]!);
}

export async function setRuleEnabled(m: Queryable, id: string, enabled: boolean): Promise<ValidationRule | undefined> {
  const rows = (await m.query(
    `UPDATE validation_rules SET enabled = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING id, record_kind, field, rule, params, enabled`,
    [id, enabled],
  )) as [RuleRow[], number] | RuleRow[];
  invalidateRuleCache();
  const list = Array.isArray(rows[0]) ? (rows[0] as RuleRow[]) : (rows as RuleRow[]);
  return list[0] ? toRule(list[0]) : undefined;
}

function toRule(r: RuleRow): ValidationRule {
  return { id: r.id, recordKind: r.record_kind, field: r.field, rule: r.rule, params: r.params ?? {}, enabled: r.enabled };
}
