/**
 * One partner record through the pipeline: normalize → validate (the rules as data) →
 * exact-key match → resolve → store with provenance (connection: none, the partner) →
 * outbox to every CRM. Outcomes as values: CREATED, UPDATED (matched by email), MERGED
 * (folded into a person known under another key: phone or LinkedIn URL), QUARANTINED
 * (failed rules; kept for retry), REJECTED (not a record Junction can hold at all).
 */
import type { EntityManager } from 'typeorm';
import { proposeDuplicatesFor } from '../matching/duplicate-candidates';
import { matchContactExactly } from '../matching/exact-match';
import { CONTACT_FIELDS, type ContactField, type RecordIssue, type UnifiedValue } from '../model';
import { normalizeCompanyName, normalizeContact } from '../normalize/contact-normalizer';
import { loadResolutionRules } from '../quality/field-owners';
import { evaluateRules, uniqueContext, type ValidationRule } from '../quality/rules';
import { resolveFields } from '../resolve/field-resolver';
import { enqueueOutbound, findOrCreateCompanyByName, insertRecord, loadProvenance, loadRecord, nonNull, recordProvenance, updateRecord } from '../store/record-store';

export type UpsertOutcome = 'CREATED' | 'UPDATED' | 'MERGED' | 'QUARANTINED' | 'REJECTED';

/** A partner's contact: unified field names, plus the company by name. */
export type PartnerContact = Partial<Record<ContactField, string | null>> & { companyName?: string | null };

export interface PartnerResult {
  outcome: UpsertOutcome;
  contactId: string | null;
  email: string | null;
  issues: RecordIssue[];
}

const MAX_FIELD_LENGTH = 1000;
/** The resolver's name for "no connection": a partner write, owned by no CRM (provenance stores NULL). */
const PARTNER = '';
const LIFECYCLE = new Set(['LEAD', 'CONTACT']);

/** Structural problems: REJECTED, because no fix of a value could make this a contact. */
function rejectReasons(input: PartnerContact): RecordIssue[] {
  const issues: RecordIssue[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (value !== null && value !== undefined && typeof value !== 'string') issues.push({ field, rule: 'DATA_FORMAT', message: `${field} must be text` });
    else if (typeof value === 'string' && value.length > MAX_FIELD_LENGTH) issues.push({ field, rule: 'DATA_FORMAT', message: `${field} is longer than ${MAX_FIELD_LENGTH} characters` });
  }
  if (input.lifecycleStage && !LIFECYCLE.has(input.lifecycleStage.trim().toUpperCase())) issues.push({ field: 'lifecycleStage', rule: 'PICKLIST', message: 'lifecycleStage must be LEAD or CONTACT' });
  return issues;
}

export async function applyPartnerRecord(m: EntityManager, input: PartnerContact, rules: readonly ValidationRule[], at: Date): Promise<PartnerResult> {
  const rejected = rejectReasons(input);
  if (rejected.length) return { outcome: 'REJECTED', contactId: null, email: null, issues: rejected };
  const raw: Partial<Record<ContactField, UnifiedValue>> = {};
  for (const f of CONTACT_FIELDS) if (input[f] !== undefined) raw[f] = input[f] ?? null;
  if (raw.lifecycleStage) raw.lifecycleStage = raw.lifecycleStage.trim().toUpperCase();
  const { values } = normalizeContact(raw);
  const companyName = normalizeCompanyName(input.companyName ?? null);
  const issues = evaluateRules({ kind: 'CONTACT', values, hasCompany: !!companyName }, rules, await uniqueContext(m, rules, 'CONTACT', values, null));
  if (issues.length) return { outcome: 'QUARANTINED', contactId: null, email: values.email ?? null, issues };

  const companyId = companyName ? await findOrCreateCompanyByName(m, companyName, null) : undefined;
  const match = await matchContactExactly(m, values);
  if (!match) {
    const id = await insertRecord(m, 'CONTACT', values, { companyId });
    await recordProvenance(m, id, nonNull(values), null, at);
    await enqueueOutbound(m, 'CONTACT', id, null, at);
    await proposeDuplicatesFor(m, id);
    return { outcome: 'CREATED', contactId: id, email: values.email ?? null, issues: [] };
  }
  const current = (await loadRecord(m, 'CONTACT', match.id))!;
  const rulesForKind = await loadResolutionRules(m, 'CONTACT');
  const { apply } = resolveFields(current.values, await loadProvenance(m, match.id), { connectionId: PARTNER, changedAt: at, values: nonNull(values) }, { owners: rulesForKind.owners, verified: current.verified });
  const companyChanged = companyId !== undefined && companyId !== current.companyId;
  if (Object.keys(apply).length || companyChanged) {
    await updateRecord(m, 'CONTACT', match.id, apply, { companyId: companyChanged ? companyId : undefined });
    await recordProvenance(m, match.id, apply, null, at);
    await enqueueOutbound(m, 'CONTACT', match.id, null, at);
  }
  return { outcome: match.matchedOn === 'email' ? 'UPDATED' : 'MERGED', contactId: match.id, email: (apply.email ?? current.values.email) ?? null, issues: [] };
}
