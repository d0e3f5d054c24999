/**
 * One record of a page, mapped and normalized, through the rest of the pipeline: validated,
 * matched to a unified record (its source link, else an exact key), resolved field by field,
 * and stored with provenance, queued for the CRMs — or quarantined. Its writes go to the
 * page's writer and its lookups to the page's index, so a page costs a set of statements,
 * not a set per record.
 */
import type { EntityManager } from 'typeorm';
import type { RemoteRecord } from '../../../system';
import type { CompanyRef, MappedRecord, RecordIssue, RecordKind, UnifiedValue } from '../../model';
import { companyKey, normalizeCompanyName } from '../../normalize/contact-normalizer';
import { proposeDuplicatesForMany } from '../../matching/duplicate-candidates';
import { publishQuarantineChanged } from '../../quality/quarantine-events';
import { evaluateRules, type PageUniqueness } from '../../quality/rules';
import { resolveFields, type Resolution } from '../../resolve/field-resolver';
import { moveLinkToConverted, type InboundLink } from '../../store/pages/source-link.repository';
import { nonNull } from '../../store/records/record-columns';
import type { InboundContext, RecordApplied } from './inbound-context';
import { knownFromRead } from './known-state';
import type { PageIndex } from './page-index';
import type { PageWriter } from './page-writer';
import { quarantine } from './page-quarantine';

/** The resolver's name for "no connection": a partner's change, owned by no CRM (its provenance stores NULL). */
const NO_CONNECTION = '';

/** A record mapped and normalized, waiting for the page's store lookups. */
export interface Prepared {
  /** The record as the source gave it (results are reported against it). */
  given: RemoteRecord;
  record: RemoteRecord;
  link: InboundLink | undefined;
  hash: string;
  mapped: MappedRecord;
  normalized: MappedRecord;
  issues: RecordIssue[];
}

/** Where one page's records go through the pipeline together: one set of lookups, one set of writes. */
export interface PageRun {
  m: EntityManager;
  ctx: InboundContext;
  index: PageIndex;
  writer: PageWriter;
  /** UNIQUE rules' view of the store plus what this page applied so far; absent when no UNIQUE rule applies. */
  unique?: PageUniqueness;
}

export async function applyPrepared(run: PageRun, p: Prepared): Promise<RecordApplied> {
  const { ctx, index, writer } = run;
  const { record, link, normalized, mapped } = p;
  const values = normalized.values as Record<string, UnifiedValue>;
  const unique = run.unique?.context(normalized.values, link?.recordId ?? null) ?? {};
  const ruleIssues = evaluateRules({ kind: normalized.kind, values: normalized.values, hasCompany: normalized.kind === 'CONTACT' && !!normalized.company }, ctx.validationRules ?? [], unique);
  const allIssues = [...p.issues, ...ruleIssues];
  if (allIssues.length) return { ...(await quarantine(run.m, ctx, record, allIssues)), values };

  const changedAt = new Date(record.modifiedAt);
  const companyId = normalized.kind === 'CONTACT' && normalized.company ? resolveCompany(run, normalized.company) : undefined;
  // Its own CRM record's link first, else a stored record holding one of its natural keys.
  const byKey = !link && normalized.kind === 'CONTACT' ? index.matchContact(values) : undefined;
  let recordId = link?.recordId ?? (normalized.kind === 'CONTACT' ? byKey?.id : index.matchCompany(values.domain ?? null, values.name ?? null));
  let changes: Record<string, UnifiedValue> | undefined;
  if (!recordId) {
    recordId = writer.insert(mapped.kind, values, { companyId, nameKey: mapped.kind === 'COMPANY' ? companyKey(values.name ?? null) : undefined });
    changes = nonNull(values);
    writer.provenanceOf(recordId, changes, ctx.connectionId, changedAt);
    index.added(mapped.kind, recordId, values, companyId ?? null);
    run.unique?.applied(recordId, values);
    for (const field of Object.keys(changes)) index.provenanceFor(recordId).set(field, { connectionId: ctx.connectionId, changedAt });
  } else {
    const current = index.record(recordId);
    if (!current) throw new Error(`linked ${mapped.kind} ${recordId} is missing`);
    const provenance = index.provenanceFor(recordId);
    const incoming = { connectionId: ctx.connectionId ?? NO_CONNECTION, changedAt, values };
    const { apply, rejected } = resolveFields(current.values, provenance, incoming, { owners: ctx.rules.owners, verified: current.verified });
    // A contact's employer is the one its own CRM record names, or a partner's write (a record matched from elsewhere only fills a gap).
    const speaksForCompany = current.companyId === null || link !== undefined || ctx.connectionId === null;
    const companyChanged = companyId !== undefined && companyId !== current.companyId && speaksForCompany;
    if (Object.keys(apply).length || companyChanged) {
      writer.update(mapped.kind, recordId, apply, {
        companyId: companyChanged ? companyId : undefined,
        nameKey: mapped.kind === 'COMPANY' && 'name' in apply ? companyKey(apply.name ?? null) : undefined,
      });
      writer.provenanceOf(recordId, apply, ctx.connectionId, changedAt);
      for (const field of Object.keys(apply)) provenance.set(field, { connectionId: ctx.connectionId, changedAt });
      index.changed(recordId, apply, companyChanged ? companyId : undefined);
      run.unique?.applied(recordId, index.record(recordId)!.values);
      changes = apply;
    }
    if (rejected.length) rejectChanges(run, mapped.kind, recordId, rejected, changedAt);
  }
  await linkToSource(run, p, recordId, changedAt);
  if (changes) writer.enqueue(mapped.kind, recordId, ctx.connectionId, changedAt);
  return { result: changes ? 'applied' : 'unchanged', recordId, matchedOn: byKey?.matchedOn, values: { ...index.record(recordId)!.values }, changes, issues: [] };
}

/**
 * The CRM record is linked to the unified record it became (a converted record's link moves
 * to the record it turned into), and a quarantine entry it left is resolved. A partner's
 * record has no remote record to link.
 */
async function linkToSource(run: PageRun, p: Prepared, recordId: string, changedAt: Date): Promise<void> {
  const { ctx, writer } = run;
  if (ctx.connectionId === null) return;
  const { record, normalized, mapped } = p;
  const convertedTo = normalized.kind === 'CONTACT' ? normalized.convertedTo : undefined;
  if (convertedTo) {
    await flush(run);
    // A Salesforce Lead turned Contact is the same person under a new id: the link moves to the new record, so
    // writes go there and no duplicate appears; the old record keeps no link, so a bulk export never re-attaches it.
    // When the new record was read first it is linked already (matched by its keys); that link stands.
    await moveLinkToConverted(run.m, ctx.connectionId, { remoteType: ctx.mapper.remoteType, remoteId: record.remoteId }, convertedTo, recordId, changedAt);
  } else writer.link({ kind: mapped.kind, recordId, remoteType: ctx.mapper.remoteType, remoteId: record.remoteId, remoteUpdatedAt: changedAt, hash: p.hash, known: knownFromRead(record.fields, ctx.mapper.remoteFields) });
  writer.resolveQuarantined(record.remoteId);
}

/**
 * A refused change is kept where a person can see it (never silently lost), and the page
 * writer queues the CRM it came from to get the store's value back, so every CRM converges on
 * what the rules decided: an owner rule, a verified value, or a later change from another CRM
 * (OLDER — with second-precision vendor stamps an edit can look older than the change it
 * followed, and without the write-back that CRM would keep its own value in silence). A
 * partner has no copy to write back to; its answer says what was stored.
 */
function rejectChanges(run: PageRun, kind: RecordKind, recordId: string, rejected: Resolution['rejected'], changedAt: Date): void {
  if (run.ctx.connectionId === null) return;
  for (const r of rejected) run.writer.reject({ kind, recordId, field: r.field, value: r.value, reason: r.reason, changedAt });
}

/** Writes what the page collected so far; proposes the new contacts' duplicates and announces the entries it resolved. */
export async function flush(run: PageRun): Promise<void> {
  const { newContacts, resolved } = await run.writer.flush(run.m);
  if (newContacts.length && run.ctx.proposals) run.ctx.proposals.hold(newContacts);
  else if (newContacts.length) await proposeDuplicatesForMany(run.m, newContacts);
  if (!run.ctx.planned) for (const r of resolved) publishQuarantineChanged({ id: r.id, status: 'RESOLVED', remoteId: r.remoteId, issues: [] }, run.ctx.events);
}

/** A company referenced by a linked record, or known by name (found by its name key, else created and queued). */
function resolveCompany(run: PageRun, ref: CompanyRef): string | null {
  if ('remoteId' in ref) return run.index.companyByRef(ref.remoteType, ref.remoteId);
  const name = normalizeCompanyName(ref.name);
  const existing = run.index.matchCompany(null, name);
  if (existing) return existing;
  const values = { name };
  const id = run.writer.insert('COMPANY', values, { nameKey: companyKey(name) });
  const now = new Date();
  run.writer.provenanceOf(id, nonNull(values), run.ctx.connectionId, now);
  run.writer.enqueue('COMPANY', id, run.ctx.connectionId, null);
  run.index.added('COMPANY', id, values, null);
  return id;
}
