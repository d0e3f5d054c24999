/**
 * Which connection owns a field of a record kind (table field_owners, one row per kind and
 * field, SPEC §3 conflict resolution): its changes win over the latest-change rule. No row:
 * the latest change wins.
 */
import type { RecordKind } from '../../model';
import type { Queryable } from '../queryable';

export async function connectionExists(m: Queryable, connectionId: string): Promise<boolean> {
  const exists = (await m.query(`SELECT 1 FROM connections WHERE id = $1`, [connectionId])) as unknown[];
  return exists.length > 0;
}

export async function setFieldOwner(m: Queryable, kind: RecordKind, field: string, ownerConnectionId: string): Promise<void> {
  await m.query(
    `INSERT INTO field_owners (record_kind, field, owner_connection_id) VALUES ($1, $2, $3)
         ON CONFLICT (record_kind, field) DO UPDATE SET owner_connection_id = EXCLUDED.owner_connection_id`,
    [kind, field, ownerConnectionId],
  );
}

export async function clearFieldOwner(m: Queryable, kind: RecordKind, field: string): Promise<void> {
  await m.query(`DELETE FROM field_owners WHERE record_kind = $1 AND field = $2`, [kind, field]);
}

/** field → owning connection id (null: no owner). */
export async function fieldOwners(m: Pick<Queryable, 'query'>, kind: RecordKind): Promise<Map<string, string | null>> {
  const rows = (await m.query(`SELECT field, owner_connection_id FROM field_owners WHERE record_kind = $1`, [kind])) as Array<{ field: string; owner_connection_id: string | null }>;
  return new Map(rows.map((r) => [r.field, r.owner_connection_id]));
}
