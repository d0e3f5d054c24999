/**
 * Applies one page of changes read from a CRM, inside one transaction: each record is
 * mapped, normalized, validated, matched to a unified record, resolved field by field,
 * stored with provenance, and queued for the other CRMs. A bad record goes to quarantine
 * and the page goes on.
 */
import type { EntityManager } from 'typeorm';
import type { RemoteRecord } from '../../system';
import type { RecordMapper } from '../mapping/field-map';
import type { CompanyRef, MappedRecord, RecordIssue, UnifiedValue } from '../model';
import type { PlannedChange } from '../store/entities';
import { withoutNul } from '../normalize/text-safety';
import { companyKey, normalizeContact, normalizeDomain, normalizeName } from '../normalize/contact-normalizer';
import { proposeDuplicatesFor } from '../matching/duplicate-candidates';
import { matchContactExactly } from '../matching/exact-match';
import { publishQuarantineChanged } from '../quality/quarantine-events';
import { evaluateRules, loadRules, uniqueContext, type ValidationRule } from '../quality/rules';
import { quarantineRecord, resolveQuarantined } from '../quality/quarantine.repository';
import { logError } from '../health/error-log';
import { contentHash } from '../resolve/content-hash';
import { resolveFields, type ResolutionRules } from '../resolve/field-resolver';
import { enqueueOutbound, findCompany, findOrCreateCompanyByName, insertRecord, loadProvenance, loadRecord, nonNull, recordProvenance, updateRecord, upsertLink } from './record-store';

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

interface LinkRow {
  remote_id: string;
  record_id: string;
  content_hash: string | null;
}

export async function applyInboundPage(m: EntityManager, ctx: InboundContext, records: RemoteRecord[]): Promise<PageOutcome> {
  const outcome: PageOutcome = { read: records.length, applied: 0, unchanged: 0, quarantined: 0, deleted: 0 };
  ctx = { ...ctx, validationRules: ctx.validationRules ?? (await loadRules(m)) };
  const ids = records.map((r) => r.remoteId).filter(Boolean);
  const links = new Map(
    ((await m.query(`SELECT remote_id, record_id, content_hash FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = ANY($3)`, [
      ctx.connectionId,
      ctx.mapper.remoteType,
      ids,
    ])) as LinkRow[]).map((l) => [l.remote_id, l]),
  );
  for (const record of records) {
    const result = await applyOne(m, ctx, record, links.get(record.remoteId));
    outcome[result]++;
    ctx.planned?.push({ remoteId: record.remoteId, operation: PLANNED_OPERATION[result], fields: plannedFields(ctx.mapper, record) });
  }
  return outcome;
}

type RecordResult = 'applied' | 'unchanged' | 'quarantined' | 'deleted';

const PLANNED_OPERATION: Record<RecordResult, string> = { applied: 'APPLY', unchanged: 'NONE', quarantined: 'QUARANTINE', deleted: 'SOFT_DELETE' };

function plannedFields(mapper: RecordMapper, record: RemoteRecord): Record<string, unknown> {
  return Object.fromEntries(mapper.remoteFields.filter((f) => f in record.fields).map((f) => [f, record.fields[f]]));
}

/** One record through the whole pipeline (a quarantined record retried with its fix). */
export async function applyInboundRecord(m: EntityManager, ctx: InboundContext, record: RemoteRecord): Promise<RecordResult> {
  const links = (await m.query(`SELECT remote_id, record_id, content_hash FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [
    ctx.connectionId,
    ctx.mapper.remoteType,
    record.remoteId,
  ])) as LinkRow[];
  return applyOne(m, { ...ctx, validationRules: ctx.validationRules ?? (await loadRules(m)) }, record, links[0]);
}

async function applyOne(m: EntityManager, ctx: InboundContext, given: RemoteRecord, link: LinkRow | undefined): Promise<RecordResult> {
  const record = { ...given, fields: withoutNul(given.fields) };
  const malformed = record.fields.__malformed;
  if (!record.remoteId || malformed) {
    return quarantine(m, ctx, record, [{ field: 'record', rule: 'DATA_FORMAT', message: `malformed ${ctx.mapper.remoteType} record: ${String(malformed ?? 'no id')}` }]);
  }
  if (record.deleted) {
    if (!link) return 'unchanged';
    await m.query(`UPDATE ${ctx.mapper.kind === 'CONTACT' ? 'contacts' : 'companies'} SET deleted_at = coalesce(deleted_at, $2), updated_at = now() WHERE id = $1`, [
      link.record_id,
      new Date(record.modifiedAt),
    ]);
    return 'deleted';
  }
  const hash = contentHash(record.fields, ctx.mapper.remoteFields);
  // The same content Junction last exchanged with this CRM: its own write read back, or no change.
  if (link && link.content_hash === hash) return 'unchanged';

  const unified = mapSafely(ctx.mapper, record);
  if ('failure' in unified) return quarantine(m, ctx, record, [unified.failure]);
  const { record: mapped, issues } = unified;
  const normalized = normalizeMapped(mapped);
  // Phone FORMAT is the rule engine's call (a rule can be disabled), not the normalizer's.
  const rules = ctx.validationRules ?? [];
  const unique = await uniqueContext(m, rules, normalized.record.kind, normalized.record.values, link?.record_id ?? null);
  const ruleIssues = evaluateRules({ kind: normalized.record.kind, values: normalized.record.values, hasCompany: normalized.record.kind === 'CONTACT' && !!normalized.record.company }, rules, unique);
  const allIssues = [...issues, ...normalized.issues.filter((i) => i.field !== 'phone'), ...ruleIssues];
  if (allIssues.length) return quarantine(m, ctx, record, allIssues);

  const changedAt = new Date(record.modifiedAt);
  const values = normalized.record.values as Record<string, UnifiedValue>;
  const companyId = normalized.record.kind === 'CONTACT' && normalized.record.company ? await resolveCompany(m, ctx, normalized.record.company) : undefined;
  let recordId = link?.record_id ?? (await match(m, normalized.record));
  let changed = false;
  if (!recordId) {
    recordId = await insertRecord(m, mapped.kind, values, { companyId, nameKey: mapped.kind === 'COMPANY' ? companyKey(values.name ?? null) : undefined });
    await recordProvenance(m, recordId, nonNull(values), ctx.connectionId, changedAt);
    if (mapped.kind === 'CONTACT') await proposeDuplicatesFor(m, recordId);
    changed = true;
  } else {
    const current = await loadRecord(m, mapped.kind, recordId);
    if (!current) throw new Error(`linked ${mapped.kind} ${recordId} is missing`);
    const provenance = await loadProvenance(m, recordId);
    const { apply } = resolveFields(current.values, provenance, { connectionId: ctx.connectionId, changedAt, values }, { owners: ctx.rules.owners, verified: current.verified });
    const companyChanged = companyId !== undefined && companyId !== current.companyId && (current.companyId === null || link !== undefined);
    if (Object.keys(apply).length || companyChanged) {
      await updateRecord(m, mapped.kind, recordId, apply, {
        companyId: companyChanged ? companyId : undefined,
        nameKey: mapped.kind === 'COMPANY' && 'name' in apply ? companyKey(apply.name ?? null) : undefined,
      });
      await recordProvenance(m, recordId, apply, ctx.connectionId, changedAt);
      changed = true;
    }
  }
  const convertedTo = normalized.record.kind === 'CONTACT' ? normalized.record.convertedTo : undefined;
  if (convertedTo) await followConversion(m, ctx, record.remoteId, convertedTo, recordId, changedAt);
  else await upsertLink(m, { kind: mapped.kind, recordId, connectionId: ctx.connectionId, remoteType: ctx.mapper.remoteType, remoteId: record.remoteId, remoteUpdatedAt: changedAt, hash });
  const resolved = await resolveQuarantined(m, ctx.connectionId, ctx.mapper.remoteType, record.remoteId);
  if (!ctx.planned) for (const id of resolved) publishQuarantineChanged({ id, status: 'RESOLVED', remoteId: record.remoteId, issues: [] });
  if (changed) await enqueueOutbound(m, mapped.kind, recordId, ctx.connectionId, changedAt);
  return changed ? 'applied' : 'unchanged';
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
  await m.query(`DELETE FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [ctx.connectionId, ctx.mapper.remoteType, fromRemoteId]);
  // When the new record was read first it is linked already (matched by its keys); that link stands.
  await m.query(
    `INSERT INTO source_links (record_kind, record_id, connection_id, remote_type, remote_id, remote_updated_at, content_hash)
     VALUES ('CONTACT', $1, $2, $3, $4, $5, NULL) ON CONFLICT (connection_id, remote_type, remote_id) DO NOTHING`,
    [recordId, ctx.connectionId, to.remoteType, to.remoteId, changedAt],
  );
}

function normalizeMapped(record: MappedRecord): { record: MappedRecord; issues: RecordIssue[] } {
  if (record.kind === 'CONTACT') {
    const { values, issues } = normalizeContact(record.values);
    return { record: { ...record, values }, issues };
  }
  const v = record.values;
  return { record: { ...record, values: { ...v, name: normalizeName(v.name ?? null) ?? null, domain: normalizeDomain(v.domain ?? null) } }, issues: [] };
}

/** Exact-key matching: a person already known by email, phone or LinkedIn URL (from any CRM) is the same person. */
async function match(m: EntityManager, record: MappedRecord): Promise<string | undefined> {
  if (record.kind === 'CONTACT') {
    return (await matchContactExactly(m, record.values))?.id;
  }
  return findCompany(m, record.values.domain ?? null, record.values.name ?? null);
}

async function resolveCompany(m: EntityManager, ctx: InboundContext, ref: CompanyRef): Promise<string | null> {
  if ('remoteId' in ref) {
    const rows = (await m.query(`SELECT record_id FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [ctx.connectionId, ref.remoteType, ref.remoteId])) as Array<{ record_id: string }>;
    return rows[0]?.record_id ?? null;
  }
  return findOrCreateCompanyByName(m, normalizeName(ref.name), ctx.connectionId);
}

async function quarantine(m: EntityManager, ctx: InboundContext, record: RemoteRecord, issues: RecordIssue[]): Promise<'quarantined'> {
  const entry = await quarantineRecord(m, {
    connectionId: ctx.connectionId,
    recordKind: ctx.mapper.kind,
    remoteType: ctx.mapper.remoteType,
    remoteId: record.remoteId || null,
    payload: { ...record.fields, __remoteType: record.remoteType, __modifiedAt: record.modifiedAt },
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
