export { evaluateRules } from './rule-engine';
export { invalidateRuleCache, listRules, loadRules, setRuleEnabled, upsertRule, type RuleInput } from './rule-cache';
export { FORMATS, RULE_TYPES, type RuleParams, type RuleSubject, type RuleType, type ValidationRule } from './rule-types';
export { PageUniqueness } from './page-uniqueness';
export { uniqueContext } from './unique-lookup';
