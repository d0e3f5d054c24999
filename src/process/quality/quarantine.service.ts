/**
 * Operator commands on the quarantine queue. A retry sends the stored payload — with the
 * operator's patch — through the whole pipeline again (map → normalize → validate → match →
 * resolve → store → outbox); it either lands (RESOLVED) or stays PENDING with its new
 * issues. A discard keeps the entry, its reason, and keeps the same content out later.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { RemoteFields } from '../../system';
import type { EventBus } from '../events';
import { mapperFor } from '../mapping/registry';
import type { RecordMapper } from '../mapping/field-map';
import type { RecordIssue } from '../model';
import { knownFromRead } from '../sync/inbound/known-state';
import { enqueueOutbound } from '../store/records/outbox-enqueue.repository';
import { setKnownState } from '../store/records/source-link.repository';
import {
  deleteQuarantineEntry,
  discardQuarantineEntry,
  linkedRecordId,
  lockQuarantineEntry,
  pendingEntryOf,
  settleQuarantineEntry,
  type QuarantineEntry,
  type QuarantineSource,
} from '../store/quality/quarantine.repository';
import { applyInboundRecord } from '../sync/inbound/inbound';
import { loadResolutionRules } from './field-owners';
import { publishQuarantineChanged, type QuarantineChange } from './quarantine-events';

export type { QuarantineEntry } from '../store/quality/quarantine.repository';

export type QuarantineCommandResult = { ok: true; entry: QuarantineEntry } | { ok: false; error: 'NOT_FOUND' | 'NOT_PENDING' | 'BAD_PATCH'; message: string };

const change = (e: QuarantineEntry): QuarantineChange => ({ id: e.id, status: e.status, remoteId: e.remoteId, issues: e.issues });

/** Retries records that did not come from a CRM (partner upserts); supplied by the partner module. */
export type DetachedRetry = (m: EntityManager, entry: QuarantineEntry, payload: Record<string, unknown>) => Promise<{ recordId?: string; issues: RecordIssue[] }>;

type Locked = { entry: QuarantineEntry; source: QuarantineSource | null };

export class QuarantineService {
  /** @param events where changes are announced (QuarantineChanged subscriptions); supplied at wiring time. */
  constructor(
    private db: DataSource,
    private events: EventBus,
    private detachedRetry?: DetachedRetry,
  ) {}

  async retry(id: string, patch: Record<string, unknown> | null | undefined): Promise<QuarantineCommandResult> {
    if (patch !== null && patch !== undefined && (typeof patch !== 'object' || Array.isArray(patch))) return { ok: false, error: 'BAD_PATCH', message: 'patch must be a JSON object of field → value' };
    const result = await this.db.transaction(async (m): Promise<QuarantineCommandResult> => {
      const locked = await this.lockPending(m, id);
      if (!('entry' in locked)) return locked;
      const { entry, source } = locked;
      if (!entry.connectionId || !source || !entry.remoteType) {
        if (!this.detachedRetry) return { ok: false, error: 'NOT_PENDING', message: 'this entry has no connection to replay it through' };
        const payload = { ...entry.payload, ...(patch ?? {}) };
        const outcome = await this.detachedRetry(m, entry, payload);
        return { ok: true, entry: await settleQuarantineEntry(m, id, payload, outcome) };
      }
      const mapper = mapperFor(source, entry.remoteType);
      const payload = { ...entry.payload, ...toRemotePatch(mapper, patch ?? {}) };
      const fields = Object.fromEntries(Object.entries(payload).filter(([k]) => !k.startsWith('__'))) as RemoteFields;
      const ctx = { connectionId: entry.connectionId, runId: randomUUID(), mapper, rules: await loadResolutionRules(m, mapper.kind), events: this.events };
      const outcome = await applyInboundRecord(m, ctx, { remoteType: entry.remoteType, remoteId: entry.remoteId ?? '', modifiedAt: new Date().toISOString(), deleted: false, fields });
      if (outcome === 'quarantined') {
        // The pipeline re-quarantined it: the same PENDING entry now holds the patched payload and its new issues.
        const fresh = await pendingEntryOf(m, entry.connectionId, entry.remoteType, entry.remoteId);
        if (fresh && fresh.id !== id) await deleteQuarantineEntry(m, fresh.id);
        const issues = fresh?.issues ?? entry.issues;
        return { ok: true, entry: await settleQuarantineEntry(m, id, payload, { issues }) };
      }
      const recordId = await linkedRecordId(m, entry.connectionId, entry.remoteType, entry.remoteId);
      // The fix goes back to the CRM it came from too, so the next read there is not the bad version again:
      // that CRM still holds what was read (not the fix), and its next write is diffed against that.
      if (recordId) {
        await setKnownState(m, entry.connectionId, entry.remoteType, entry.remoteId!, knownFromRead(entry.payload as RemoteFields, mapper.remoteFields));
        await enqueueOutbound(m, mapper.kind, recordId, null, new Date());
      }
      return { ok: true, entry: await settleQuarantineEntry(m, id, payload, { recordId, issues: [] }) };
    });
    if (result.ok) publishQuarantineChanged(change(result.entry), this.events);
    return result;
  }

  async discard(id: string, reason: string): Promise<QuarantineCommandResult> {
    const result = await this.db.transaction(async (m): Promise<QuarantineCommandResult> => {
      const locked = await this.lockPending(m, id);
      if (!('entry' in locked)) return locked;
      return { ok: true, entry: await discardQuarantineEntry(m, id, reason) };
    });
    if (result.ok) publishQuarantineChanged(change(result.entry), this.events);
    return result;
  }

  private async lockPending(m: EntityManager, id: string): Promise<Locked | Extract<QuarantineCommandResult, { ok: false }>> {
    const locked = await lockQuarantineEntry(m, id);
    if (!locked) return { ok: false, error: 'NOT_FOUND', message: `quarantine entry ${id} does not exist` };
    if (locked.entry.status !== 'PENDING') return { ok: false, error: 'NOT_PENDING', message: `quarantine entry ${id} is ${locked.entry.status}` };
    return locked;
  }
}

/**
 * A patch may name vendor fields ("Email") or unified ones ("email"); unified names are
 * translated through the mapper so the payload stays in the vendor's shape.
 */
function toRemotePatch(mapper: RecordMapper, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // What the hooks write whatever the values (a Lead's Company placeholder, …): not the patched field.
  const hooksAlone = mapper.toRemote({ values: {} });
  for (const [key, value] of Object.entries(patch)) {
    if (mapper.remoteFields.includes(key) || key.startsWith('__')) {
      out[key] = value;
      continue;
    }
    const text = value === null || value === undefined ? null : String(value);
    // The vendor field the unified one is written to (its value may take another form there: "US" → "United States").
    const remote = Object.entries(mapper.toRemote({ values: { [key]: text } })).filter(([field, v]) => !(field in hooksAlone) || hooksAlone[field] !== v);
    if (remote.length) for (const [field] of remote) out[field] = value;
    else out[key] = value;
  }
  return out;
}
