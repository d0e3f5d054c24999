/** The newest pending quarantine rows, for the dashboard (the full queue API lives elsewhere). */
import type { Queryable } from '../queryable';

export interface QuarantinePreviewRow {
  id: string;
  connectionId: string | null;
  recordKind: string;
  remoteId: string | null;
  issues: unknown;
  createdAt: Date;
}

export async function pendingQuarantine(db: Queryable, first: number): Promise<QuarantinePreviewRow[]> {
  const rows = (await db.query(
    `SELECT id, connection_id, record_kind, remote_id, issues, created_at FROM quarantine WHERE status = 'PENDING' ORDER BY created_at DESC, id LIMIT $1`,
    [first],
  )) as Array<{ id: string; connection_id: string | null; record_kind: string; remote_id: string | null; issues: unknown; created_at: Date }>;
  return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, recordKind: r.record_kind, remoteId: r.remote_id, issues: r.issues, createdAt: r.created_at }));
}
