/**
 * The quarantine queue: a record that cannot be applied waits here with its payload and
 * every issue — never dropped, never half-written. Re-reading the same bad record updates
 * its entry instead of adding another.
 */
import type { EntityManager } from 'typeorm';
import type { RecordIssue, RecordKind } from '../model';
import { withoutNul } from '../normalize/text-safety';

export interface QuarantineInput {
  connectionId: string | null;
  recordKind: RecordKind;
  remoteType: string | null;
  remoteId: string | null;
  payload: Record<string, unknown>;
  issues: RecordIssue[];
}

/** The entry that holds the record; `discarded` when a person already discarded this very payload. */
export async function quarantineRecord(m: EntityManager, q: QuarantineInput): Promise<{ id: string; discarded: boolean }> {
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

async function upsertPending(m: EntityManager, q: QuarantineInput, params: unknown[]): Promise<string> {
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
  m: Pick<EntityManager, 'query'>,
  connectionId: string,
  remoteType: string,
  remoteIds: readonly string[],
): Promise<Array<{ id: string; remoteId: string }>> {
  if (!remoteIds.length) return [];
  const rows = (await m.query(
    `UPDATE quarantine SET status = 'RESOLVED', reason = 'applied after a later change', updated_at = now()
     WHERE connection_id = $1 AND remote_type = $2 AND remote_id = ANY($3) AND status = 'PENDING' RETURNING id, remote_id`,
    [connectionId, remoteType, remoteIds],
  )) as [Array<{ id: string; remote_id: string }>, number] | Array<{ id: string; remote_id: string }>;
  const list = (Array.isArray(rows[0]) ? rows[0] : rows) as Array<{ id: string; remote_id: string }>;
  return list.map((r) => ({ id: r.id, remoteId: r.remote_id }));
}
