/**
 * The rule engine: pure, table-driven. Every enabled rule for the record's kind is checked
 * and every failure reported (not only the first). FORMAT, RANGE, PICKLIST and CONSISTENCY
 * rules apply to present values only — absence is REQUIRED's business.
 */
import type { RecordIssue, UnifiedValue } from '../../model';
import { stateBelongsTo } from '../../normalize/geography';
import { FREE_MAIL_DOMAINS } from '../free-mail-domains';
import { formatValid, postalCodeValid } from './formats';
import { FORMATS, type FormatName, type RuleContext, type RuleSubject, type ValidationRule } from './rule-types';

export function evaluateRules(subject: RuleSubject, rules: readonly ValidationRule[], ctx: RuleContext = {}): RecordIssue[] {
  const issues: RecordIssue[] = [];
  for (const rule of rules) {
    if (!rule.enabled || rule.recordKind !== subject.kind) continue;
    const message = check(rule, subject, ctx);
    if (message) issues.push({ field: rule.field, rule: rule.rule, message });
  }
  return issues;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** A record's value by own property only: a rule on a field named `constructor` must not see Object's. */
const own = (values: RuleSubject['values'], field: string): UnifiedValue => (Object.hasOwn(values, field) ? (values[field] ?? null) : null);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The failure message, or undefined when the rule holds. */
function check(rule: ValidationRule, s: RuleSubject, ctx: RuleContext): string | undefined {
  const value = own(s.values, rule.field);
  const p = rule.params;
  const countryOf = () => own(s.values, str(p.countryField) ?? 'country');
  if (rule.rule === 'REQUIRED') return value === null || value.trim() === '' ? `${rule.field} is required` : undefined;
  if (value === null || value === '') return undefined;
  switch (rule.rule) {
    case 'FORMAT': {
      const format = str(p.format) as FormatName | undefined;
      if (!format || !FORMATS.includes(format)) return undefined;
      const country = countryOf();
      return formatValid(format, value, { country, pattern: str(p.pattern) })
        ? undefined
        : `${rule.field} "${value}" is not a valid ${format === 'postalCode' ? `postal code for ${country}` : format}`;
    }
    case 'RANGE':
      return checkRange(rule.field, value, p);
    case 'PICKLIST': {
      const values = Array.isArray(p.values) ? p.values.filter((v): v is string => typeof v === 'string') : [];
      const caseSensitive = p.caseSensitive === true;
      const ok = values.some((v) => (caseSensitive ? v === value : v.toLowerCase() === value.toLowerCase()));
      return ok ? undefined : `${rule.field} "${value}" is not one of ${values.join(', ')}`;
    }
    case 'CONSISTENCY': {
      const country = countryOf();
      if (p.check === 'postalCodeInCountry') return country && !postalCodeValid(value, country) ? `postal code "${value}" does not match country ${country}` : undefined;
      // stateInCountry: a state needs a country, and must be one of its subdivisions.
      if (!country) return `${rule.field} "${value}" is given without a country`;
      return stateBelongsTo(value, country) ? undefined : `${rule.field} "${value}" is not a subdivision of ${country}`;
    }
    case 'BUSINESS_EMAIL': {
      if (p.when !== 'always' && !s.hasCompany) return undefined;
      const domain = value.slice(value.lastIndexOf('@') + 1).toLowerCase();
      const extra = Array.isArray(p.domains) ? p.domains.map((d) => String(d).toLowerCase()) : [];
      return FREE_MAIL_DOMAINS.has(domain) || extra.includes(domain) ? `${value} is a free-mail address; a company's contact needs a business email` : undefined;
    }
    case 'UNIQUE':
      return ctx.taken?.(rule.field, value) ? `${rule.field} "${value}" is already used by another record` : undefined;
  }
  return undefined;
}

function checkRange(field: string, value: string, p: Record<string, unknown>): string | undefined {
  const min = num(p.min);
  const max = num(p.max);
  if (min !== undefined || max !== undefined) {
    const n = Number(value.replace(/[,\s]/g, ''));
    if (Number.isNaN(n)) return `${field} "${value}" is not a number`;
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) return `${field} ${value} is outside ${min ?? '−∞'}…${max ?? '∞'}`;
  }
  const minLength = num(p.minLength);
  const maxLength = num(p.maxLength);
  if ((minLength !== undefined && value.length < minLength) || (maxLength !== undefined && value.length > maxLength))
    return `${field} must be ${minLength ?? 0}…${maxLength ?? '∞'} characters long`;
  const after = str(p.after);
  const before = str(p.before);
  if (after || before) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) return `${field} "${value}" is not a date`;
    if ((after && t < Date.parse(after)) || (before && t > Date.parse(before))) return `${field} ${value} is outside ${after ?? '…'} – ${before ?? '…'}`;
  }
  return undefined;
}
