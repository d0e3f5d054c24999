/**
 * Field owners (table field_owners, SPEC §3 conflict resolution): per record kind, the
 * connection whose value wins for a field; null when the latest change wins.
 */
import type { RecordKind } from '../../model';
import type { Queryable } from '../queryable';

/** field → owning connection id (null: no owner). */
export async function fieldOwners(m: Pick<Queryable, 'query'>, kind: RecordKind): Promise<Map<string, string | null>> {
  const rows = (await m.query(`SELECT field, owner_connection_id FROM field_owners WHERE record_kind = $1`, [kind])) as Array<{ field: string; owner_connection_id: string | null }>;
  return new Map(rows.map((r) => [r.field, r.owner_connection_id]));
}
