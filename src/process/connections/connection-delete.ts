/**
 * Deleting a connection (deleteConnection). Junction stops syncing it and forgets how to
 * reach it, but keeps what it learned: the unified records, their field provenance and the
 * source links, which stay (detached) so a record still shows where it came from. The row
 * stays as a tombstone for them to name. Nothing is called in the CRM: its records stay as
 * they are there.
 */
import type { DataSource } from 'typeorm';
import { hasRunningRun, lockLiveConnection, tombstoneConnection } from '../store/connections/connection-delete.repository';

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
    if (!(await lockLiveConnection(m, id))) return false;
    if (await hasRunningRun(m, id)) throw new ConnectionBusyError(id);
    await tombstoneConnection(m, id);
    return true;
  });
}
