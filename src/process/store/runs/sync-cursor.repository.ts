/**
 * Where an incremental read of one CRM object stands (table sync_cursors): the adapter's
 * cursor, committed with the page it follows, so a crash re-reads at most that page.
 */
import type { Queryable } from '../queryable';

export async function readCursor(db: Queryable, connectionId: string, remoteType: string): Promise<string | null> {
  const rows = (await db.query(`SELECT cursor FROM sync_cursors WHERE connection_id = $1 AND remote_type = $2`, [connectionId, remoteType])) as Array<{
    cursor: string;
  }>;
  return rows[0]?.cursor ?? null;
}

export async function saveCursor(m: Queryable, connectionId: string, remoteType: string, cursor: string): Promise<void> {
  await m.query(
    `INSERT INTO sync_cursors (connection_id, remote_type, cursor) VALUES ($1, $2, $3)
           ON CONFLICT (connection_id, remote_type) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [connectionId, remoteType, cursor],
  );
}
