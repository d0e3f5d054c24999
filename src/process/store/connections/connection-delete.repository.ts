/**
 * A connection turned into a tombstone (connections/connection-delete.ts): its row stays for
 * the records, provenance and detached links that name it; its credentials, queued runs,
 * undelivered outbox and field ownership go. Run inside the one transaction that locked it.
 */
import type { EntityManager } from 'typeorm';

/** Locks the live connection's row for the rest of the transaction; false when there is none. */
export async function lockLiveConnection(m: EntityManager, id: string): Promise<boolean> {
  const live = (await m.query(`SELECT id FROM connections WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, [id])) as unknown[];
  return live.length > 0;
}

export async function hasRunningRun(m: EntityManager, connectionId: string): Promise<boolean> {
  const running = (await m.query(`SELECT 1 FROM sync_runs WHERE connection_id = $1 AND status = 'RUNNING' LIMIT 1`, [connectionId])) as unknown[];
  return running.length > 0;
}

export async function tombstoneConnection(m: EntityManager, id: string): Promise<void> {
  // A queued run never starts (the worker claims QUEUED runs only; the engine refuses a deleted connection).
  await m.query(`UPDATE sync_runs SET status = 'FAILED', finished_at = now(), error = 'the connection was deleted' WHERE connection_id = $1 AND status = 'QUEUED'`, [id]);
  await m.query(
    `UPDATE connections SET deleted_at = now(), enabled = false, credentials_sealed = '', status = 'PAUSED', paused_until = NULL,
         status_reason = 'deleted: syncing stopped and credentials erased; its records, their provenance and its (detached) links are kept',
         credentials_refused_at = NULL, token_expires_at = NULL, updated_at = now()
       WHERE id = $1`,
    [id],
  );
  await m.query(`UPDATE source_links SET detached_at = now() WHERE connection_id = $1 AND detached_at IS NULL`, [id]);
  // Deliveries to it can never happen; a field it owned goes back to the usual resolution.
  await m.query(`DELETE FROM outbox WHERE connection_id = $1 AND delivered_at IS NULL`, [id]);
  await m.query(`DELETE FROM field_owners WHERE owner_connection_id = $1`, [id]);
}
