/**
 * A partner's batch is a page from a source of kind PARTNER (sync/inbound/inbound-context.ts):
 * its records go through the same pipeline as a CRM's page — normalize, validate (the rules
 * as data), match by exact key, resolve, store with provenance (connection: none), outbox to
 * every CRM. What is the partner's own: its records arrive in unified field names with the
 * company by name, a record that is no contact at all is REJECTED before the page, and each
 * record's outcome is answered — CREATED, UPDATED (matched by email), MERGED (folded into a
 * person known under another key: phone or LinkedIn URL), QUARANTINED (failed rules; kept for
 * retry), REJECTED.
 */
import type { EntityManager } from 'typeorm';
import type { RemoteFields, RemoteRecord } from '../../system';
import type { EventBus } from '../events';
import { CONTACT_FIELDS, type ContactField, type RecordIssue, type UnifiedValue } from '../model';
import { normalizeCompanyName } from '../normalize/contact-normalizer';
import { loadResolutionRules } from '../quality/field-owners';
import type { ValidationRule } from '../quality/rules';
import type { InboundMapper } from '../sync/inbound/inbound-context';
import { applyPageRecords, type RecordApplied } from '../sync/inbound/inbound';

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

/** The partner's mapping: its field names are the unified ones; a company is named, never referenced. */
export const partnerContactMapper: InboundMapper = {
  kind: 'CONTACT',
  remoteType: 'partner',
  remoteFields: [...CONTACT_FIELDS, 'companyName'],
  toUnified(fields) {
    const input = fields as PartnerContact;
    const values: Partial<Record<ContactField, UnifiedValue>> = {};
    for (const f of CONTACT_FIELDS) if (input[f] !== undefined) values[f] = input[f] ?? null;
    if (values.lifecycleStage) values.lifecycleStage = values.lifecycleStage.trim().toUpperCase();
    const companyName = input.companyName ?? null;
    return { record: { kind: 'CONTACT', values, company: normalizeCompanyName(companyName) ? { name: companyName! } : undefined, custom: {} }, issues: [] };
  },
};

export interface PartnerPageOptions {
  rules: readonly ValidationRule[];
  /** The batch's time: every record's change is stamped with it. */
  at: Date;
  /** Where quarantined records are announced. */
  events: EventBus;
  /** False for a retry, whose entry the quarantine service settles (see PartnerPageContext). */
  fileQuarantine?: boolean;
}

/** A partner's batch as one page, inside the caller's transaction: each record's result, in order. */
export async function applyPartnerPage(m: EntityManager, input: readonly PartnerContact[], options: PartnerPageOptions): Promise<PartnerResult[]> {
  const results: PartnerResult[] = input.map((record) => ({ outcome: 'REJECTED', contactId: null, email: null, issues: rejectReasons(record) }));
  const page = input.flatMap((record, i) => (results[i]!.issues.length ? [] : [{ i, record: asRemoteRecord(record, options.at) }]));
  if (!page.length) return results;
  const ctx = { connectionId: null, mapper: partnerContactMapper, rules: await loadResolutionRules(m, 'CONTACT'), events: options.events, validationRules: options.rules, fileQuarantine: options.fileQuarantine };
  const applied = await applyPageRecords(m, ctx, page.map((p) => p.record));
  for (const [k, { i }] of page.entries()) results[i] = partnerResult(applied[k]!);
  return results;
}

function asRemoteRecord(record: PartnerContact, at: Date): RemoteRecord {
  return { remoteType: partnerContactMapper.remoteType, remoteId: '', modifiedAt: at.toISOString(), deleted: false, fields: record as RemoteFields };
}

function partnerResult(r: RecordApplied): PartnerResult {
  const email = r.values?.email ?? null;
  if (r.result === 'quarantined') return { outcome: 'QUARANTINED', contactId: null, email, issues: r.issues };
  if (!r.recordId) throw new Error(`a partner record came out of the pipeline ${r.result} without a contact`);
  const outcome = !r.matchedOn ? 'CREATED' : r.matchedOn === 'email' ? 'UPDATED' : 'MERGED';
  return { outcome, contactId: r.recordId, email, issues: [] };
}
