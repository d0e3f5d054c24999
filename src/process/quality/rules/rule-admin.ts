/** Admin commands on the rules, with input checks returned as values (never thrown). */
import type { DataSource } from 'typeorm';
import { isUuid } from '../../queries/pagination';
import type { RecordKind } from '../../model';
import { compileRulePattern } from './rule-pattern';
import { listRules, setRuleEnabled, upsertRule, type RuleInput } from './rule-cache';
import { FORMATS, RULE_TYPES, type ValidationRule } from './rule-types';

/**
 * A custom field's unified key (custom-fields.ts): `custom.<key>` for a mapped field shared by
 * the CRMs, `custom.<crm>.<vendor field>` for one a single CRM carries.
 */
const CUSTOM_FIELD = /^custom\.[A-Za-z][A-Za-z0-9_]{0,63}(\.[A-Za-z][A-Za-z0-9_]{0,79})?$/;

export type RuleCommandResult = { ok: true; rule: ValidationRule } | { ok: false; field: string; message: string };

export class RuleAdmin {
  constructor(private db: DataSource) {}

  list(kind: RecordKind): Promise<ValidationRule[]> {
    return listRules(this.db.manager, kind);
  }

  async upsert(input: RuleInput): Promise<RuleCommandResult> {
    const problem = checkRule(input);
    if (problem) return { ok: false, ...problem };
    return { ok: true, rule: await upsertRule(this.db.manager, input) };
  }

  async setEnabled(id: string, enabled: boolean): Promise<RuleCommandResult> {
    const rule = isUuid(id) ? await setRuleEnabled(this.db.manager, id, enabled) : undefined;
    return rule ? { ok: true, rule } : { ok: false, field: 'id', message: `validation rule ${id} does not exist` };
  }
}

function checkRule(r: RuleInput): { field: string; message: string } | undefined {
  if (!RULE_TYPES.includes(r.rule)) return { field: 'rule', message: `rule must be one of ${RULE_TYPES.join(', ')}` };
  if (!/^[a-zA-Z][a-zA-Z0-9]{0,62}$/.test(r.field) && !CUSTOM_FIELD.test(r.field))
    return { field: 'field', message: 'field must be a unified field name such as "email", or a custom field such as "custom.badge"' };
  const p = r.params;
  if (r.rule === 'FORMAT' && !FORMATS.includes(p.format as (typeof FORMATS)[number])) return { field: 'params', message: `FORMAT needs params.format: one of ${FORMATS.join(', ')}` };
  if (r.rule === 'FORMAT' && p.format === 'pattern') {
    if (typeof p.pattern !== 'string' || !p.pattern) return { field: 'params', message: 'FORMAT "pattern" needs params.pattern: a regular expression' };
    const check = compileRulePattern(p.pattern);
    if (!check.ok) return { field: 'params', message: check.problem };
  }
  if (r.rule === 'PICKLIST' && !(Array.isArray(p.values) && p.values.every((v) => typeof v === 'string'))) return { field: 'params', message: 'PICKLIST needs params.values: a list of strings' };
  if (r.rule === 'CONSISTENCY' && !['stateInCountry', 'postalCodeInCountry'].includes(String(p.check))) return { field: 'params', message: 'CONSISTENCY needs params.check: stateInCountry or postalCodeInCountry' };
  return undefined;
}
