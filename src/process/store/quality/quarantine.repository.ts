/**
 * The quarantine queue: a record that cannot be applied waits here with its payload and
 * every issue — never dropped, never half-written. Re-reading the same bad record updates
 * its entry instead of adding another. The pipeline files and resolves entries; an operator's
 * retry or discard locks one and settles it (quarantine.service.ts).
 */
import type { CrmKind } from '../../../system';
import type { RecordIssue, RecordKind } from '../../model';
import { withoutNul } from '../../normalize/text-safety';
import { returnedRows, type Queryable } from '../queryable';

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

/** A row of the quarantine table. */
export interface QuarantineRow {
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
}

export const toQuarantineEntry = (r: QuarantineRow): QuarantineEntry => ({
  id: r.id, connectionId: r.connection_id, recordKind: r.record_kind, remoteType: r.remote_type, remoteId: r.remote_id, payload: r.payload,
  issues: r.issues, status: r.status, reason: r.reason, recordId: r.record_id, createdAt: r.created_at, updatedAt: r.updated_at,
});

export interface QuarantineInput {
  connectionId: string | null;
  recordKind: RecordKind;
  remoteType: string | null;
  remoteId: string | null;
  payload: Record<string, unknown>;
  issues: RecordIssue[];
}

/** The entry that holds the record; `discarded` when a person already discarded this very payload. */
export async function quarantineRecord(m: Queryable, q: QuarantineInput): Promise<{ id: string; discarded: boolean }> {
  const params = [q.connectionId, q.recordKind, q.remoteType, q.remoteId, JSON.stringify(withoutNul(q.payload)), JSON.stringify(withoutNul(q.issues))];
  // Discarding keeps a record out: the same content read again stays discarded (a changed one is new).
  const discarded = (await m.query(
    `SELECT id FROM quarantine WHERE connection_id IS NOT DISTINCT FROM $1 AND remote_type IS NOT DISTINCT FROM $2 AND remote_id IS NOT DISTINCT FROM $3
       AND status = 'DISCARDED' AND payload - '__modifiedAt' = $4::jsonb - '__modifiedAt' LIMIT 1`,
    [q.connectionId, q.remoteType, q.remoteId, params[4]],
  )) as Array<{ id: string }>;
  if (discarded[0]) return { id: discarded[0].id, discarded: true };
  return { id: await upsertPending(m, q, params), discarded: false };
}

async function upsertPending(m: Queryable, q: QuarantineInput, params: unknown[]): Promise<string> {
  if (q.remoteId) {
    const rows = (await m.query(
      `INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (connection_id, remote_type, remote_id) WHERE status = 'PENDING' AND remote_id IS NOT NULL AND remote_id <> ''
       DO UPDATE SET payload = EXCLUDED.payload, issues = EXCLUDED.issues, updated_at = now()
       RETURNING id`,
      params,
    )) as Array<{ id: string }>;
    return rows[0]!.id;
  }
  // Without an id, the same payload read again is the same record: keep one entry.
  const same = (await m.query(
    `SELECT id FROM quarantine WHERE connection_id IS NOT DISTINCT FROM $1 AND remote_type IS NOT DISTINCT FROM $2 AND remote_id IS NULL
       AND status = 'PENDING' AND payload - '__modifiedAt' = $3::jsonb - '__modifiedAt' LIMIT 1`,
    [q.connectionId, q.remoteType, params[4]],
  )) as Array<{ id: string }>;
  if (same[0]) {
    await m.query(`UPDATE quarantine SET issues = $2, updated_at = now() WHERE id = $1`, [same[0].id, params[5]]);
    return same[0].id;
  }
  const rows = (await m.query(
    `INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    params,
  )) as Array<{ id: string }>;
  return rows[0]!.id;
}

/** Records that now apply cleanly leave the queue; the entries they resolved are returned. */
export async function resolveQuarantined(
  m: Pick<Queryable, 'query'>,
  connectionId: string,
  remoteType: string,
  remoteIds: readonly string[],
): Promise<Array<{ id: string; remoteId: string }>> {
  if (!remoteIds.length) return [];
  const rows = returnedRows<{ id: string; remote_id: string }>(
    await m.query(
      `UPDATE quarantine SET status = 'RESOLVED', reason = 'applied after a later change', updated_at = now()
     WHERE connection_id = $1 AND remote_type = $2 AND remote_id = ANY($3) AND status = 'PENDING' RETURNING id, remote_id`,
      [connectionId, remoteType, remoteIds],
    ),
  );
  return rows.map((r) => ({ id: r.id, remoteId: r.remote_id }));
}

/** The connection an entry came from, as a retry maps through it (custom fields and schema drift, as its sync does). */
export interface QuarantineSource {
  kind: CrmKind;
  settings: Record<string, unknown> | null;
  schemaDrift: Record<string, string[]> | null;
  orgFeatures: Record<string, boolean> | null;
}

/**
 * Locks an entry for an operator's command (FOR UPDATE, in the caller's transaction), with
 * the connection it came from; `source` is null for a partner record or a deleted connection.
 */
export async function lockQuarantineEntry(m: Queryable, id: string): Promise<{ entry: QuarantineEntry; source: QuarantineSource | null } | null> {
  const rows = (await m.query(`SELECT q.*, c.kind, c.settings AS connection_settings, c.schema_drift AS connection_drift, c.org_features AS connection_org_features FROM quarantine q LEFT JOIN connections c ON c.id = q.connection_id WHERE q.id = $1 FOR UPDATE OF q`, [id])) as Array<
    QuarantineRow & {
      kind: CrmKind | null;
      connection_settings: Record<string, unknown> | null;
      connection_drift: Record<string, string[]> | null;
      connection_org_features: Record<string, boolean> | null;
    }
  >;
  const row = rows[0];
  if (!row) return null;
  const source = row.kind ? { kind: row.kind, settings: row.connection_settings, schemaDrift: row.connection_drift, orgFeatures: row.connection_org_features } : null;
  return { entry: toQuarantineEntry(row), source };
}

/** The newest PENDING entry of a remote record: where the pipeline re-quarantined it. */
export async function pendingEntryOf(m: Queryable, connectionId: string, remoteType: string, remoteId: string | null): Promise<QuarantineEntry | null> {
  const rows = (await m.query(`SELECT * FROM quarantine WHERE connection_id = $1 AND remote_type = $2 AND remote_id IS NOT DISTINCT FROM $3 AND status = 'PENDING' ORDER BY updated_at DESC LIMIT 1`, [connectionId, remoteType, remoteId])) as QuarantineRow[];
  return rows[0] ? toQuarantineEntry(rows[0]) : null;
}

export async function deleteQuarantineEntry(m: Queryable, id: string): Promise<void> {
  await m.query(`DELETE FROM quarantine WHERE id = $1`, [id]);
}

export async function discardQuarantineEntry(m: Queryable, id: string, reason: string): Promise<QuarantineEntry> {
  const rows = returnedRows<QuarantineRow>(await m.query(`UPDATE quarantine SET status = 'DISCARDED', reason = $2, updated_at = now() WHERE id = $1 RETURNING *`, [id, reason]));
  return toQuarantineEntry(rows[0]!);
}

/** Landed → RESOLVED with the record it became; else still PENDING with the new issues. */
export async function settleQuarantineEntry(m: Queryable, id: string, payload: Record<string, unknown>, outcome: { recordId?: string; issues: RecordIssue[] }): Promise<QuarantineEntry> {
  const landed = outcome.issues.length === 0;
  const rows = returnedRows<QuarantineRow>(
    await m.query(
      `UPDATE quarantine SET payload = $2, issues = $3, status = $4, reason = $5, record_id = $6, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, JSON.stringify(payload), JSON.stringify(outcome.issues), landed ? 'RESOLVED' : 'PENDING', landed ? 'fixed and retried' : null, outcome.recordId ?? null],
    ),
  );
  return toQuarantineEntry(rows[0]!);
}

/** The unified record a remote record is linked to: what a landed retry became. */
export async function linkedRecordId(m: Queryable, connectionId: string, remoteType: string, remoteId: string | null): Promise<string | undefined> {
  const link = (await m.query(`SELECT record_id FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [connectionId, remoteType, remoteId])) as Array<{ record_id: string }>;
  return link[0]?.record_id;
}
