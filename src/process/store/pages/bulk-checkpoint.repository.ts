/**
 * BULK-read checkpoints as stored: a row of `sync_cursors` under the key `bulk:<remoteType>`,
 * beside the object's incremental cursor (whose key is the bare remote type). What a
 * checkpoint says, and when it is still good, is sync/inbound/bulk-checkpoint.ts's business;
 * this file only keeps its text.
 */
import type { Queryable } from '../queryable';

const PREFIX = 'bulk:';
const keyOf = (remoteType: string) => `${PREFIX}${remoteType}`;

/** The checkpoint's text when one was saved within the last `maxAgeHours`. */
export async function readBulkCheckpoint(q: Queryable, connectionId: string, remoteType: string, maxAgeHours: number): Promise<string | undefined> {
  const rows = (await q.query(
    `SELECT cursor FROM sync_cursors WHERE connection_id = $1 AND remote_type = $2 AND updated_at > now() - make_interval(hours => $3)`,
    [connectionId, keyOf(remoteType), maxAgeHours],
  )) as Array<{ cursor: string }>;
  return rows[0]?.cursor;
}

export async function writeBulkCheckpoint(q: Queryable, connectionId: string, remoteType: string, text: string): Promise<void> {
  await q.query(
    `INSERT INTO sync_cursors (connection_id, remote_type, cursor) VALUES ($1, $2, $3)
     ON CONFLICT (connection_id, remote_type) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [connectionId, keyOf(remoteType), text],
  );
}

export async function deleteBulkCheckpoint(q: Queryable, connectionId: string, remoteType: string): Promise<void> {
  await q.query(`DELETE FROM sync_cursors WHERE connection_id = $1 AND remote_type = $2`, [connectionId, keyOf(remoteType)]);
}

/** Every BULK checkpoint of the connection; its incremental cursors stay. */
export async function deleteBulkCheckpoints(q: Queryable, connectionId: string): Promise<void> {
  await q.query(`DELETE FROM sync_cursors WHERE connection_id = $1 AND starts_with(remote_type, $2)`, [connectionId, PREFIX]);
}
