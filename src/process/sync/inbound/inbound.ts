/**
 * Applies one page of records inside one transaction: each record is mapped, normalized,
 * validated, matched to a unified record, resolved field by field, stored with provenance,
 * and queued for the CRMs (page-record.ts). A bad record goes to quarantine and the page goes
 * on. A page comes from a CRM (a sync run's page) or from a partner (an upsert batch): see
 * inbound-context.ts for what its source changes.
 */
import type { EntityManager } from 'typeorm';
import type { RemoteRecord } from '../../../system';
import type { RecordIssue } from '../../model';
import { withoutNul } from '../../normalize/text-safety';
import { normalizeCompanyName, normalizeRecord } from '../../normalize/contact-normalizer';
import { loadRules, PageUniqueness } from '../../quality/rules';
import { contentHash } from '../../resolve/content-hash';
import { linksByRemoteId, unlinkRemoteIds, type InboundLink } from '../../store/pages/source-link.repository';
import type { PlannedOperation } from '../runs/planned-changes';
import type { CrmPageContext, InboundContext, InboundMapper, RecordApplied, RecordResult } from './inbound-context';
import { PageIndex, type PageKeys } from './page-index';
import { quarantine } from './page-quarantine';
import { applyPrepared, flush, type PageRun, type Prepared } from './page-record';
import { PageWriter } from './page-writer';

export type { CrmPageContext, InboundContext, RecordApplied } from './inbound-context';

export interface PageOutcome {
  read: number;
  applied: number;
  unchanged: number;
  quarantined: number;
  deleted: number;
}

/**
 * Records between two turns of the event loop. A slice of 1,000 records is some hundreds of
 * milliseconds of mapping, normalizing and matching in JavaScript; run in one go it kept
 * /readyz and every GraphQL answer of the process waiting for all of it.
 */
const YIELD_EVERY = 100;
const breathe = (i: number): Promise<void> | undefined => (i > 0 && i % YIELD_EVERY === 0 ? new Promise((r) => setImmediate(r)) : undefined);

const PLANNED_OPERATION: Record<RecordResult, PlannedOperation> = { applied: 'APPLY', unchanged: 'NONE', quarantined: 'QUARANTINE', deleted: 'SOFT_DELETE' };

/**
 * What a dry run plans for a record, per field: the unified values an APPLY would set (all of a
 * new record's, only the changed ones of an existing record's); for a QUARANTINE, the vendor
 * fields that would wait there; nothing for NONE or SOFT_DELETE.
 */
function plannedFields(mapper: InboundMapper, record: RemoteRecord, applied: RecordApplied): Record<string, unknown> {
  if (applied.result === 'applied') return applied.changes ?? {};
  if (applied.result !== 'quarantined') return {};
  return Object.fromEntries(mapper.remoteFields.filter((f) => Object.hasOwn(record.fields, f)).map((f) => [f, record.fields[f]]));
}

/** A sync run's page: how many records it read, applied, left unchanged, quarantined and deleted. */
export async function applyInboundPage(m: EntityManager, ctx: CrmPageContext, records: RemoteRecord[]): Promise<PageOutcome> {
  const outcome: PageOutcome = { read: records.length, applied: 0, unchanged: 0, quarantined: 0, deleted: 0 };
  const results = await applyPageRecords(m, ctx, records);
  for (const [i, record] of records.entries()) {
    const applied = results[i]!;
    outcome[applied.result]++;
    ctx.planned?.push({ remoteId: record.remoteId, operation: PLANNED_OPERATION[applied.result], fields: plannedFields(ctx.mapper, record, applied) });
  }
  return outcome;
}

/** One CRM record through the whole pipeline (a quarantined record retried with its fix). */
export async function applyInboundRecord(m: EntityManager, ctx: CrmPageContext, record: RemoteRecord): Promise<RecordResult> {
  return (await applyPageRecords(m, ctx, [record]))[0]!.result;
}

/** A page through the pipeline: what became of each record, in the page's order. */
export async function applyPageRecords(m: EntityManager, given: InboundContext, records: RemoteRecord[]): Promise<RecordApplied[]> {
  const ctx = { ...given, validationRules: given.validationRules ?? (await loadRules(m)) };
  // A partner's records have no remote records, so no links.
  const links = ctx.connectionId === null ? new Map<string, InboundLink>() : await linksByRemoteId(m, ctx.connectionId, ctx.mapper.remoteType, records.map((r) => r.remoteId).filter(Boolean));
  const results = new Map<RemoteRecord, RecordApplied>();
  const prepared: Prepared[] = [];
  const deletes: Array<{ recordId: string; remoteId: string; at: Date }> = [];
  for (const [i, given] of records.entries()) {
    await breathe(i);
    const record = { ...given, fields: withoutNul(given.fields), malformed: withoutNul(given.malformed) };
    const link = links.get(record.remoteId);
    const early = prepare(record, link, ctx);
    if (early === 'unchanged') results.set(given, { result: 'unchanged', issues: [] });
    else if (early === 'deleted') {
      results.set(given, { result: link ? 'deleted' : 'unchanged', issues: [] });
      if (link) deletes.push({ recordId: link.recordId, remoteId: record.remoteId, at: new Date(record.modifiedAt) });
    } else if ('failure' in early) results.set(given, await quarantine(m, ctx, record, [early.failure]));
    else prepared.push({ ...early, record, given });
  }
  const linkedIds = [...prepared.flatMap((p) => (p.link ? [p.link.recordId] : [])), ...deletes.map((d) => d.recordId)];
  const index = await PageIndex.load(m, ctx.connectionId, ctx.mapper.kind, pageKeys(prepared), linkedIds);
  const rules = ctx.validationRules;
  const hasUnique = rules.some((r) => r.enabled && r.rule === 'UNIQUE' && r.recordKind === ctx.mapper.kind);
  const unique = hasUnique ? await PageUniqueness.load(m, rules, ctx.mapper.kind, prepared.map((p) => p.normalized.values)) : undefined;
  const run: PageRun = { m, ctx, index, writer: new PageWriter(ctx.connectionId, ctx.mapper.remoteType, ctx.mapper.remoteFields), unique };
  for (const d of deletes) {
    run.writer.softDelete(ctx.mapper.kind, d.recordId, d.at);
    // The other CRMs learn of the delete (flag or archive, per connection); an already deleted record is no news.
    if (!index.record(d.recordId)?.deletedAt) run.writer.enqueue(ctx.mapper.kind, d.recordId, ctx.connectionId, d.at);
  }
  for (const [i, p] of prepared.entries()) {
    await breathe(i);
    results.set(p.given, await applyPrepared(run, p));
  }
  await flush(run);
  // The CRM's own record is gone (deleted or archived there): so is its link, and a restore writes the record there anew.
  if (deletes.length && ctx.connectionId !== null)
    await unlinkRemoteIds(m, ctx.connectionId, ctx.mapper.remoteType, deletes.map((d) => d.remoteId));
  return records.map((r) => results.get(r)!);
}

/**
 * The checks that need no store: malformed (a CRM's record without an id is too; a partner's
 * has none), deleted, unchanged (Junction's own write read back), then map and normalize.
 */
function prepare(record: RemoteRecord, link: InboundLink | undefined, ctx: InboundContext): 'unchanged' | 'deleted' | { failure: RecordIssue } | Omit<Prepared, 'record' | 'given'> {
  const { mapper } = ctx;
  const malformed = record.malformed;
  if ((!record.remoteId && ctx.connectionId !== null) || malformed) return { failure: { field: 'record', rule: 'DATA_FORMAT', message: `malformed ${mapper.remoteType} record: ${malformed ?? 'no id'}` } };
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

/** A vendor value no mapper expected (an object where text belongs, …) is a DATA_FORMAT issue, never a crash. */
function mapSafely(mapper: InboundMapper, record: RemoteRecord): ReturnType<InboundMapper['toUnified']> | { failure: RecordIssue } {
  try {
    return mapper.toUnified(record.fields);
  } catch (err) {
    return { failure: { field: 'record', rule: 'DATA_FORMAT', message: `${mapper.remoteType} ${record.remoteId} could not be mapped: ${err instanceof Error ? err.message : String(err)}` } };
  }
}
