/**
 * Applies one page of changes read from a CRM, inside one transaction: each record is
 * mapped, normalized, validated, matched to a unified record, resolved field by field,
 * stored with provenance, and queued for the other CRMs. A bad record goes to quarantine
 * and the page goes on.
 */
import type { EntityManager } from 'typeorm';
import type { RemoteRecord } from '../../../system';
import type { RecordMapper } from '../../mapping/field-map';
import type { CompanyRef, MappedRecord, RecordIssue, RecordKind, UnifiedValue } from '../../model';
import type { PlannedChange } from '../../store/entities';
import { withoutNul } from '../../normalize/text-safety';
import { companyKey, normalizeCompanyName, normalizeRecord } from '../../normalize/contact-normalizer';
import { proposeDuplicatesForMany } from '../../matching/duplicate-candidates';
import { publishQuarantineChanged } from '../../quality/quarantine-events';
import { evaluateRules, loadRules, PageUniqueness, type ValidationRule } from '../../quality/rules';
import { quarantineRecord } from '../../quality/quarantine.repository';
import { logError } from '../../health/error-log';
import { contentHash } from '../../resolve/content-hash';
import { resolveFields, type Resolution, type ResolutionRules } from '../../resolve/field-resolver';
import { PageIndex, type PageKeys } from './page-index';
import { knownFromRead } from './known-state';
import { PageWriter } from './page-writer';
import type { PlannedOperation } from '../runs/planned-changes';
import { linksByRemoteId, moveLinkToConverted, unlinkRemoteIds, type InboundLink } from '../../store/pages/source-link.repository';
import { nonNull } from '../../store/record-store';

export interface InboundContext {
  connectionId: string;
  runId: string;
  mapper: RecordMapper;
  rules: ResolutionRules;
  /** When given (dry runs), each record's outcome and values are collected here. */
  planned?: PlannedChange[];
  /** The validation rules; loaded once per page when not given. */
  validationRules?: readonly ValidationRule[];
}

export interface PageOutcome {
  read: number;
  applied: number;
  unchanged: number;
  quarantined: number;
  deleted: number;
}

type RecordResult = 'applied' | 'unchanged' | 'quarantined' | 'deleted';

const PLANNED_OPERATION: Record<RecordResult, PlannedOperation> = { applied: 'APPLY', unchanged: 'NONE', quarantined: 'QUARANTINE', deleted: 'SOFT_DELETE' };

/**
 * What a dry run plans for a record, per field: the unified values an APPLY would set (all of a
 * new record's, only the changed ones of an existing record's); for a QUARANTINE, the vendor
 * fields that would wait there; nothing for NONE or SOFT_DELETE.
 */
function plannedFields(mapper: RecordMapper, record: RemoteRecord, result: RecordResult, changes: Record<string, UnifiedValue> | undefined): Record<string, unknown> {
  if (result === 'applied') return changes ?? {};
  if (result !== 'quarantined') return {};
  return Object.fromEntries(mapper.remoteFields.filter((f) => Object.hasOwn(record.fields, f)).map((f) => [f, record.fields[f]]));
}

/** A record mapped and normalized, waiting for the page's store lookups. */
interface Prepared {
  /** The record as the adapter gave it (results are reported against it). */
  given: RemoteRecord;
  record: RemoteRecord;
  link: InboundLink | undefined;
  hash: string;
  mapped: MappedRecord;
  normalized: MappedRecord;
  issues: RecordIssue[];
}

/** Where one page's records go through the pipeline together: one set of lookups, one set of writes. */
interface PageRun {
  /** The unified values each applied record sets (for dry-run plans). */
  changes?: Map<RemoteRecord, Record<string, UnifiedValue>>;
  m: EntityManager;
  ctx: InboundContext;
  index: PageIndex;
  writer: PageWriter;
  /** UNIQUE rules' view of the store plus what this page applied so far; absent when no UNIQUE rule applies. */
  unique?: PageUniqueness;
}

export async function applyInboundPage(m: EntityManager, ctx: InboundContext, records: RemoteRecord[]): Promise<PageOutcome> {
  const outcome: PageOutcome = { read: records.length, applied: 0, unchanged: 0, quarantined: 0, deleted: 0 };
  const changes = new Map<RemoteRecord, Record<string, UnifiedValue>>();
  for (const [record, result] of await applyRecords(m, ctx, records, changes)) {
    outcome[result]++;
    ctx.planned?.push({ remoteId: record.remoteId, operation: PLANNED_OPERATION[result], fields: plannedFields(ctx.mapper, record, result, changes.get(record)) });
  }
  return outcome;
}

/** One record through the whole pipeline (a quarantined record retried with its fix). */
export async function applyInboundRecord(m: EntityManager, ctx: InboundContext, record: RemoteRecord): Promise<RecordResult> {
  const [[, result]] = (await applyRecords(m, ctx, [record])) as [[RemoteRecord, RecordResult]];
  return result;
}

async function applyRecords(
  m: EntityManager,
  given: InboundContext,
  records: RemoteRecord[],
  changes?: Map<RemoteRecord, Record<string, UnifiedValue>>,
): Promise<Array<[RemoteRecord, RecordResult]>> {
  const ctx = { ...given, validationRules: given.validationRules ?? (await loadRules(m)) };
  const links = await linksByRemoteId(m, ctx.connectionId, ctx.mapper.remoteType, records.map((r) => r.remoteId).filter(Boolean));
  const results = new Map<RemoteRecord, RecordResult>();
  const prepared: Prepared[] = [];
  const deletes: Array<{ recordId: string; remoteId: string; at: Date }> = [];
  for (const given of records) {
    const record = { ...given, fields: withoutNul(given.fields), malformed: withoutNul(given.malformed) };
    const link = links.get(record.remoteId);
    const early = prepare(record, link, ctx.mapper);
    if (early === 'unchanged') results.set(given, 'unchanged');
    else if (early === 'deleted') {
      results.set(given, link ? 'deleted' : 'unchanged');
      if (link) deletes.push({ recordId: link.recordId, remoteId: record.remoteId, at: new Date(record.modifiedAt) });
    } else if ('failure' in early) results.set(given, await quarantine(m, ctx, record, [early.failure]));
    else prepared.push({ ...early, record, given });
  }
  const linkedIds = [...prepared.flatMap((p) => (p.link ? [p.link.recordId] : [])), ...deletes.map((d) => d.recordId)];
  const index = await PageIndex.load(m, ctx.connectionId, ctx.mapper.kind, pageKeys(prepared), linkedIds);
  const rules = ctx.validationRules ?? [];
  const hasUnique = rules.some((r) => r.enabled && r.rule === 'UNIQUE' && r.recordKind === ctx.mapper.kind);
  const unique = hasUnique ? await PageUniqueness.load(m, rules, ctx.mapper.kind, prepared.map((p) => p.normalized.values)) : undefined;
  const run: PageRun = { m, ctx, index, writer: new PageWriter(ctx.connectionId, ctx.mapper.remoteType, ctx.mapper.remoteFields), changes, unique };
  for (const d of deletes) {
    run.writer.softDelete(ctx.mapper.kind, d.recordId, d.at);
    // The other CRMs learn of the delete (flag or archive, per connection); an already deleted record is no news.
    if (!index.record(d.recordId)?.deletedAt) run.writer.enqueue(ctx.mapper.kind, d.recordId, ctx.connectionId, d.at);
  }
  for (const p of prepared) results.set(p.given, await applyPrepared(run, p));
  await flush(run);
  // The CRM's own record is gone (deleted or archived there): so is its link, and a restore writes the record there anew.
  if (deletes.length)
    await unlinkRemoteIds(m, ctx.connectionId, ctx.mapper.remoteType, deletes.map((d) => d.remoteId));
  return records.map((r) => [r, results.get(r)!]);
}

/** The checks that need no store: malformed, deleted, unchanged (Junction's own write read back), then map and normalize. */
function prepare(record: RemoteRecord, link: InboundLink | undefined, mapper: RecordMapper): 'unchanged' | 'deleted' | { failure: RecordIssue } | Omit<Prepared, 'record' | 'given'> {
  const malformed = record.malformed;
  if (!record.remoteId || malformed) return { failure: { field: 'record', rule: 'DATA_FORMAT', message: `malformed ${mapper.remoteType} record: ${malformed ?? 'no id'}` } };
  if (record.deleted) return 'deleted';
  const hash = contentHash(record.fields, mapper.remoteFields);
  // The same content Junction last exchanged with this CRM: its own write read back, or no change.
  if (link && link.contentHash === hash) return 'unchanged';
  const unified = mapSafely(mapper, record);
  if ('failure' in unified) return unified;
  const normalized = normalizeRecord(unified.record);
  // Phone FORMAT is the rule engine's call (a rule can be disabled), not the normalizer's.
  return { link, hash, mapped: unified.record, normalized: normalized.record, issues: [...unified.issues, ...normalized.issues.filter((i) => i.field !== 'phone')] };
}

function pageKeys(prepared: Prepared[]): PageKeys {
  const keys: PageKeys = { contactKeys: [], companyNames: [], companyDomains: [], companyRefs: [] };
  for (const p of prepared) {
    const r = p.normalized;
    if (r.kind === 'CONTACT') {
      if (!p.link) keys.contactKeys.push(r.values);
      if (r.company && 'remoteId' in r.company) keys.companyRefs.push(r.company);
      else if (r.company) keys.companyNames.push(normalizeCompanyName(r.company.name));
    } else if (!p.link) {
      keys.companyNames.push(r.values.name ?? null);
      keys.companyDomains.push(r.values.domain ?? null);
    }
  }
  return keys;
}

async function applyPrepared(run: PageRun, p: Prepared): Promise<RecordResult> {
  const { m, ctx, index, writer } = run;
  const { record, link, normalized, mapped } = p;
  const rules = ctx.validationRules ?? [];
  const unique = run.unique?.context(normalized.values, link?.recordId ?? null) ?? {};
  const ruleIssues = evaluateRules({ kind: normalized.kind, values: normalized.values, hasCompany: normalized.kind === 'CONTACT' && !!normalized.company }, rules, unique);
  const allIssues = [...p.issues, ...ruleIssues];
  if (allIssues.length) return quarantine(m, ctx, record, allIssues);

  const changedAt = new Date(record.modifiedAt);
  const values = normalized.values as Record<string, UnifiedValue>;
  const companyId = normalized.kind === 'CONTACT' && normalized.company ? resolveCompany(run, normalized.company) : undefined;
  let recordId = link?.recordId ?? (normalized.kind === 'CONTACT' ? index.matchContact(values) : index.matchCompany(values.domain ?? null, values.name ?? null));
  let changed = false;
  if (!recordId) {
    recordId = writer.insert(mapped.kind, values, { companyId, nameKey: mapped.kind === 'COMPANY' ? companyKey(values.name ?? null) : undefined });
    writer.provenanceOf(recordId, nonNull(values), ctx.connectionId, changedAt);
    index.added(mapped.kind, recordId, values, companyId ?? null);
    run.changes?.set(p.given, nonNull(values));
    run.unique?.applied(recordId, values);
    for (const [field, prov] of Object.entries(nonNull(values))) if (prov !== null) index.provenanceFor(recordId).set(field, { connectionId: ctx.connectionId, changedAt });
    changed = true;
  } else {
    const current = index.record(recordId);
    if (!current) throw new Error(`linked ${mapped.kind} ${recordId} is missing`);
    const provenance = index.provenanceFor(recordId);
    const { apply, rejected } = resolveFields(current.values, provenance, { connectionId: ctx.connectionId, changedAt, values }, { owners: ctx.rules.owners, verified: current.verified });
    const companyChanged = companyId !== undefined && companyId !== current.companyId && (current.companyId === null || link !== undefined);
    if (Object.keys(apply).length || companyChanged) {
      writer.update(mapped.kind, recordId, apply, {
        companyId: companyChanged ? companyId : undefined,
        nameKey: mapped.kind === 'COMPANY' && 'name' in apply ? companyKey(apply.name ?? null) : undefined,
      });
      writer.provenanceOf(recordId, apply, ctx.connectionId, changedAt);
      for (const field of Object.keys(apply)) provenance.set(field, { connectionId: ctx.connectionId, changedAt });
      index.changed(recordId, apply, companyChanged ? companyId : undefined);
      run.changes?.set(p.given, apply);
      run.unique?.applied(recordId, index.record(recordId)!.values);
      changed = true;
    }
    if (rejected.length) rejectChanges(run, mapped.kind, recordId, rejected, changedAt);
  }
  const convertedTo = normalized.kind === 'CONTACT' ? normalized.convertedTo : undefined;
  if (convertedTo) {
    await flush(run);
    await followConversion(m, ctx, record.remoteId, convertedTo, recordId, changedAt);
  } else writer.link({ kind: mapped.kind, recordId, remoteType: ctx.mapper.remoteType, remoteId: record.remoteId, remoteUpdatedAt: changedAt, hash: p.hash, known: knownFromRead(record.fields, ctx.mapper.remoteFields) });
  writer.resolveQuarantined(record.remoteId);
  if (changed) writer.enqueue(mapped.kind, recordId, ctx.connectionId, changedAt);
  return changed ? 'applied' : 'unchanged';
}

/**
 * A refused change is kept where a person can see it (never silently lost), and the page
 * writer queues the CRM it came from to get the store's value back, so every CRM converges on
 * what the rules decided: an owner rule, a verified value, or a later change from another CRM
 * (OLDER — with second-precision vendor stamps an edit can look older than the change it
 * followed, and without the write-back that CRM would keep its own value in silence).
 */
function rejectChanges(run: PageRun, kind: RecordKind, recordId: string, rejected: Resolution['rejected'], changedAt: Date): void {
  for (const r of rejected) run.writer.reject({ kind, recordId, field: r.field, value: r.value, reason: r.reason, changedAt });
}

async function flush(run: PageRun): Promise<void> {
  const { newContacts, resolved } = await run.writer.flush(run.m);
  if (newContacts.length) await proposeDuplicatesForMany(run.m, newContacts);
  if (!run.ctx.planned) for (const r of resolved) publishQuarantineChanged({ id: r.id, status: 'RESOLVED', remoteId: r.remoteId, issues: [] });
}

/** A vendor value no mapper expected (an object where text belongs, …) is a DATA_FORMAT issue, never a crash. */
function mapSafely(mapper: RecordMapper, record: RemoteRecord): ReturnType<RecordMapper['toUnified']> | { failure: RecordIssue } {
  try {
    return mapper.toUnified(record.fields);
  } catch (err) {
    return { failure: { field: 'record', rule: 'DATA_FORMAT', message: `${mapper.remoteType} ${record.remoteId} could not be mapped: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

/**
 * A converted record (a Salesforce Lead turned Contact) is the same person under a new id:
 * the link moves to the new record, so writes go there and no duplicate appears. The old
 * record keeps no link, so reading it again (a bulk export) never re-attaches it.
 */
async function followConversion(m: EntityManager, ctx: InboundContext, fromRemoteId: string, to: { remoteType: string; remoteId: string }, recordId: string, changedAt: Date): Promise<void> {
  // When the new record was read first it is linked already (matched by its keys); that link stands.
  await moveLinkToConverted(m, ctx.connectionId, { remoteType: ctx.mapper.remoteType, remoteId: fromRemoteId }, to, recordId, changedAt);
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

async function quarantine(m: EntityManager, ctx: InboundContext, record: RemoteRecord, issues: RecordIssue[]): Promise<'quarantined'> {
  const entry = await quarantineRecord(m, {
    connectionId: ctx.connectionId,
    recordKind: ctx.mapper.kind,
    remoteType: ctx.mapper.remoteType,
    remoteId: record.remoteId || null,
    // The adapter's note on a malformed record is kept beside the fields, as `__malformed`, like the record's type and stamp.
    payload: { ...record.fields, ...(record.malformed === undefined ? {} : { __malformed: record.malformed }), __remoteType: record.remoteType, __modifiedAt: record.modifiedAt },
    issues,
  });
  if (entry.discarded) return 'quarantined';
  if (!ctx.planned) publishQuarantineChanged({ id: entry.id, status: 'PENDING', remoteId: record.remoteId || null, issues });
  const dataFormat = issues.some((i) => i.rule === 'DATA_FORMAT');
  await logError(m, {
    connectionId: ctx.connectionId,
    runId: ctx.runId,
    errorClass: dataFormat ? 'DATA_FORMAT' : 'VALIDATION',
    code: dataFormat ? 'MALFORMED_RECORD' : `RULE_${issues[0]!.rule}`,
    message: `${ctx.mapper.remoteType} ${record.remoteId || '(no id)'} quarantined: ${issues.map((i) => i.message).join('; ')}`,
    recordIds: record.remoteId ? [record.remoteId] : [],
  });
  return 'quarantined';
}
