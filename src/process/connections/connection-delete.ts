/**
 * Deleting a connection (deleteConnection). Junction stops syncing it and forgets how to
 * reach it, but keeps what it learned: the unified records, their field provenance and the
 * source links, which stay (detached) so a record still shows where it came from. The row
 * stays as a tombstone for them to name. Nothing is called in the CRM: its records stay as
 * they are there.
 */
import type { DataSource } from 'typeorm';

/** A run of the connection is executing: deleting under it would race its writes. */
export class ConnectionBusyError extends Error {
  override readonly name = 'ConnectionBusyError';
  constructor(readonly connectionId: string) {
    super(`a sync run of connection ${connectionId} is running; pause the connection, wait for the run to end, then delete it`);
  }
}

/** Returns false when there is no live connection with that id. */
export async function deleteConnection(db: DataSource, id: string): Promise<boolean> {
  return db.transaction(async (m) => {
    const live = (await m.query(`SELECT id FROM connections WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, [id])) as unknown[];
    if (!live.length) return false;
    const running = (await m.query(`SELECT 1 FROM sync_runs WHERE connection_id = $1 AND status = 'RUNNING' LIMIT 1`, [id])) as unknown[];
    if (running.length) throw new ConnectionBusyError(id);
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
    return true;
  });
}
