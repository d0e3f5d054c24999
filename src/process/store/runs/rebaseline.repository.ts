/**
 * A connection's sync state forgotten (sync/runs/rebaseline.ts): its source links, cursors
 * and undelivered outbox go, and every live record is queued for it again. Call it inside
 * one transaction, so the CRM is never seen half forgotten.
 */
import type { EntityManager } from 'typeorm';

/** Returns how many records were queued. */
export async function forgetSyncStateAndQueueAll(m: EntityManager, connectionId: string): Promise<number> {
  await m.query(`DELETE FROM source_links WHERE connection_id = $1`, [connectionId]);
  await m.query(`DELETE FROM sync_cursors WHERE connection_id = $1`, [connectionId]);
  await m.query(`DELETE FROM outbox WHERE connection_id = $1 AND delivered_at IS NULL`, [connectionId]);
  const rows = (await m.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id)
       SELECT $1::uuid, 'COMPANY', id FROM companies WHERE deleted_at IS NULL
       UNION ALL
       SELECT $1::uuid, 'CONTACT', id FROM contacts WHERE deleted_at IS NULL AND merged_into IS NULL
       RETURNING id`,
    [connectionId],
  )) as unknown[];
  return rows.length;
}
