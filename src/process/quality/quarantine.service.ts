/**
 * Operator commands on the quarantine queue. A retry sends the stored payload — with the
 * operator's patch — through the whole pipeline again (map → normalize → validate → match →
 * resolve → store → outbox); it either lands (RESOLVED) or stays PENDING with its new
 * issues. A discard keeps the entry, its reason, and keeps the same content out later.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { CrmKind, RemoteFields } from '../../system';
import { mapperFor } from '../mapping/registry';
import type { RecordMapper } from '../mapping/field-map';
import type { RecordIssue } from '../model';
import { knownFromRead } from '../sync/inbound/known-state';
import { enqueueOutbound, setKnownState } from '../store/record-store';
import { applyInboundRecord } from '../sync/inbound/inbound';
import { loadResolutionRules } from './field-owners';
import { publishQuarantineChanged, type QuarantineChange } from './quarantine-events';

export interface QuarantineEntry {
  id: string;
  connectionId: string | null;
  recordKind: 'CONTACT' | 'COMPANY';
  remoteType: string | null;
  remoteId: string | null;
  payload: Record<string, unknown>;
  issues: RecordIssue[];
  status: 'PENDING' | 'RESOLVED' | 'DISCARDED';
  reason: string | null;
  recordId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type QuarantineCommandResult = { ok: true; entry: QuarantineEntry } | { ok: false; error: 'NOT_FOUND' | 'NOT_PENDING' | 'BAD_PATCH'; message: string };

interface Row {
  id: string;
  connection_id: string | null;
  record_kind: 'CONTACT' | 'COMPANY';
  remote_type: string | null;
  remote_id: string | null;
  payload: Record<string, unknown>;
  issues: RecordIssue[];
  status: QuarantineEntry['status'];
  reason: string | null;
  record_id: string | null;
  created_at: Date;
  updated_at: Date;
  kind: CrmKind | null;
  /** The connection's settings and schema drift: a retry maps with its custom fields, as its sync does. */
  connection_settings?: Record<string, unknown> | null;
  connection_drift?: Record<string, string[]> | null;
  connection_org_features?: Record<string, boolean> | null;
}

export const toQuarantineEntry = (r: Omit<Row, 'kind'>): QuarantineEntry => ({
  id: r.id, connectionId: r.connection_id, recordKind: r.record_kind, remoteType: r.remote_type, remoteId: r.remote_id, payload: r.payload,
  issues: r.issues, status: r.status, reason: r.reason, recordId: r.record_id, createdAt: r.created_at, updatedAt: r.updated_at,
});

const change = (e: QuarantineEntry): QuarantineChange => ({ id: e.id, status: e.status, remoteId: e.remoteId, issues: e.issues });

/** Retries records that did not come from a CRM (partner upserts); supplied by the partner module. */
export type DetachedRetry = (m: EntityManager, entry: QuarantineEntry, payload: Record<string, unknown>) => Promise<{ recordId?: string; issues: RecordIssue[] }>;

export class QuarantineService {
  constructor(
    private db: DataSource,
    private detachedRetry?: DetachedRetry,
  ) {}

  async retry(id: string, patch: Record<string, unknown> | null | undefined): Promise<QuarantineCommandResult> {
    if (patch !== null && patch !== undefined && (typeof patch !== 'object' || Array.isArray(patch))) return { ok: false, error: 'BAD_PATCH', message: 'patch must be a JSON object of field → value' };
    const result = await this.db.transaction(async (m): Promise<QuarantineCommandResult> => {
      const row = await this.lockPending(m, id);
      if (!('id' in row)) return row;
      const entry = toQuarantineEntry(row);
      if (!row.connection_id || !row.kind || !row.remote_type) {
        if (!this.detachedRetry) return { ok: false, error: 'NOT_PENDING', message: 'this entry has no connection to replay it through' };
        const payload = { ...entry.payload, ...(patch ?? {}) };
        const outcome = await this.detachedRetry(m, entry, payload);
        return { ok: true, entry: await this.settle(m, id, payload, outcome) };
      }
      const mapper = mapperFor({ kind: row.kind, settings: row.connection_settings, schemaDrift: row.connection_drift, orgFeatures: row.connection_org_features }, row.remote_type);
      const payload = { ...entry.payload, ...toRemotePatch(mapper, patch ?? {}) };
      const fields = Object.fromEntries(Object.entries(payload).filter(([k]) => !k.startsWith('__'))) as RemoteFields;
      const ctx = { connectionId: row.connection_id, runId: randomUUID(), mapper, rules: await loadResolutionRules(m, mapper.kind) };
      const outcome = await applyInboundRecord(m, ctx, { remoteType: row.remote_type, remoteId: row.remote_id ?? '', modifiedAt: new Date().toISOString(), deleted: false, fields });
      if (outcome === 'quarantined') {
        // The pipeline re-quarantined it: the same PENDING entry now holds the patched payload and its new issues.
        const fresh = (await m.query(`SELECT * FROM quarantine WHERE connection_id = $1 AND remote_type = $2 AND remote_id IS NOT DISTINCT FROM $3 AND status = 'PENDING' ORDER BY updated_at DESC LIMIT 1`, [row.connection_id, row.remote_type, row.remote_id])) as Row[];
        if (fresh[0] && fresh[0].id !== id) await m.query(`DELETE FROM quarantine WHERE id = $1`, [fresh[0].id]);
        const issues = fresh[0]?.issues ?? entry.issues;
        return { ok: true, entry: await this.settle(m, id, payload, { issues }) };
      }
      const link = (await m.query(`SELECT record_id FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [row.connection_id, row.remote_type, row.remote_id])) as Array<{ record_id: string }>;
      const recordId = link[0]?.record_id;
      // The fix goes back to the CRM it came from too, so the next read there is not the bad version again:
      // that CRM still holds what was read (not the fix), and its next write is diffed against that.
      if (recordId) {
        await setKnownState(m, row.connection_id, row.remote_type, row.remote_id!, knownFromRead(entry.payload as RemoteFields, mapper.remoteFields));
        await enqueueOutbound(m, mapper.kind, recordId, null, new Date());
      }
      return { ok: true, entry: await this.settle(m, id, payload, { recordId, issues: [] }) };
    });
    if (result.ok) publishQuarantineChanged(change(result.entry));
    return result;
  }

  async discard(id: string, reason: string): Promise<QuarantineCommandResult> {
    const result = await this.db.transaction(async (m): Promise<QuarantineCommandResult> => {
      const row = await this.lockPending(m, id);
      if (!('id' in row)) return row;
      const rows = (await m.query(`UPDATE quarantine SET status = 'DISCARDED', reason = $2, updated_at = now() WHERE id = $1 RETURNING *`, [id, reason])) as [Row[], number];
      return { ok: true, entry: toQuarantineEntry(rows[0][0]!) };
    });
    if (result.ok) publishQuarantineChanged(change(result.entry));
    return result;
  }

  private async lockPending(m: EntityManager, id: string): Promise<Row | Extract<QuarantineCommandResult, { ok: false }>> {
    const rows = (await m.query(`SELECT q.*, c.kind, c.settings AS connection_settings, c.schema_drift AS connection_drift, c.org_features AS connection_org_features FROM quarantine q LEFT JOIN connections c ON c.id = q.connection_id WHERE q.id = $1 FOR UPDATE OF q`, [id])) as Row[];
    const row = rows[0];
    if (!row) return { ok: false, error: 'NOT_FOUND', message: `quarantine entry ${id} does not exist` };
    if (row.status !== 'PENDING') return { ok: false, error: 'NOT_PENDING', message: `quarantine entry ${id} is ${row.status}` };
    return row;
  }

  /** Landed → RESOLVED with the record it became; else still PENDING with the new issues. */
  private async settle(m: EntityManager, id: string, payload: Record<string, unknown>, outcome: { recordId?: string; issues: RecordIssue[] }): Promise<QuarantineEntry> {
    const landed = outcome.issues.length === 0;
    const rows = (await m.query(
      `UPDATE quarantine SET payload = $2, issues = $3, status = $4, reason = $5, record_id = $6, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, JSON.stringify(payload), JSON.stringify(outcome.issues), landed ? 'RESOLVED' : 'PENDING', landed ? 'fixed and retried' : null, outcome.recordId ?? null],
    )) as [Row[], number];
    return toQuarantineEntry(rows[0][0]!);
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
