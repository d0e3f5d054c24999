/**
 * What a sync run reads before it writes: the fields a person gave to one connection
 * (table field_owners), which every page's resolution follows, and the record kinds the
 * connection's outbox has waiting (table outbox), which the schema watch checks before delivery.
 */
import type { Queryable } from '../queryable';

/** The owning connection of each owned field, by record kind then field, as field_owners holds it. */
export type FieldOwners = Map<string, Map<string, string | null>>;

export async function loadFieldOwners(db: Queryable): Promise<FieldOwners> {
  const rows = (await db.query(`SELECT record_kind, field, owner_connection_id FROM field_owners`)) as Array<{
    record_kind: string;
    field: string;
    owner_connection_id: string | null;
  }>;
  const out: FieldOwners = new Map();
  for (const r of rows) {
    const byField = out.get(r.record_kind) ?? new Map<string, string | null>();
    byField.set(r.field, r.owner_connection_id);
    out.set(r.record_kind, byField);
  }
  return out;
}

/** The record kinds the connection's outbox has waiting. */
export async function pendingRecordKinds(db: Queryable, connectionId: string): Promise<Set<string>> {
  const rows = (await db.query(`SELECT DISTINCT record_kind FROM outbox WHERE connection_id = $1 AND delivered_at IS NULL`, [connectionId])) as Array<{
    record_kind: string;
  }>;
  return new Set(rows.map((r) => r.record_kind));
}
