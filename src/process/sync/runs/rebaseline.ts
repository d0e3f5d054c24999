/**
 * A CRM that starts empty again (an in-process emulator after a restart, a refreshed
 * sandbox) is a new system: its links and cursors no longer describe anything. Forget
 * them and queue every live record for it, so it is filled again and matched by key.
 */
import type { DataSource } from 'typeorm';

export async function rebaselineConnection(db: DataSource, connectionId: string): Promise<number> {
  return db.transaction(async (m) => {
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
  });
}
