/** Validation rules as data (SPEC §3): one row per (record kind, field, rule type), editable at run time. */
import type { RecordKind, UnifiedValue } from '../../model';

export const RULE_TYPES = ['FORMAT', 'REQUIRED', 'RANGE', 'CONSISTENCY', 'PICKLIST', 'BUSINESS_EMAIL', 'UNIQUE'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const FORMATS = ['email', 'phone', 'postalCode', 'date', 'domain', 'linkedin', 'pattern'] as const;
export type FormatName = (typeof FORMATS)[number];

/**
 * Parameters per rule type (all optional unless noted):
 * FORMAT { format (required), pattern (for "pattern"), countryField (for postalCode, default "country") }
 * RANGE { min, max } numeric, or { minLength, maxLength }, or { after, before } ISO dates
 * CONSISTENCY { check: "stateInCountry" | "postalCodeInCountry", countryField }
 * PICKLIST { values (required), caseSensitive }
 * BUSINESS_EMAIL { when: "hasCompany" | "always", domains: extra free-mail domains }
 */
export type RuleParams = Record<string, unknown>;

export interface ValidationRule {
  id: string;
  recordKind: RecordKind;
  field: string;
  rule: RuleType;
  params: RuleParams;
  enabled: boolean;
}

/** What a rule sees of a record: its normalized values and whether it belongs to a company. */
export interface RuleSubject {
  kind: RecordKind;
  values: Record<string, UnifiedValue | undefined>;
  hasCompany: boolean;
}

export interface RuleContext {
  /** For UNIQUE: whether another stored record already holds this value. */
  taken?(field: string, value: string): boolean;
}
