/**
 * A CRM that starts empty again (an in-process emulator after a restart, a refreshed
 * sandbox) is a new system: its links and cursors no longer describe anything. Forget
 * them and queue every live record for it, so it is filled again and matched by key.
 */
import type { DataSource } from 'typeorm';
import { forgetSyncStateAndQueueAll } from '../../store/runs/rebaseline.repository';

export async function rebaselineConnection(db: DataSource, connectionId: string): Promise<number> {
  return db.transaction((m) => forgetSyncStateAndQueueAll(m, connectionId));
}
