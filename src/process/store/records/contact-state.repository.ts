/**
 * A contact's hand-set state as stored (table contacts): its verified fields — which no
 * automated sync overwrites — and its soft delete. Also the purge of what outlived the grace
 * period, which removes the contacts with everything that points at them.
 */
import { returnedRows, type Queryable } from '../queryable';

export interface ContactState {
  id: string;
  verifiedFields: string[];
  deletedAt: Date | null;
}

type Row = Record<string, unknown>;
const toState = (row: Row | undefined): ContactState | undefined =>
  row && { id: row.id as string, verifiedFields: (row.verified_fields as string[]) ?? [], deletedAt: (row.deleted_at as Date | null) ?? null };

/** Adds (or removes) the field to the contact's verified fields; undefined when there is no such contact. */
export async function setFieldVerified(m: Queryable, contactId: string, field: string, verified: boolean): Promise<ContactState | undefined> {
  const rows = returnedRows<Row>(
    await m.query(
      `UPDATE contacts SET verified_fields = CASE WHEN $3 THEN array(SELECT DISTINCT unnest(verified_fields || ARRAY[$2::text]) ORDER BY 1)
         ELSE array_remove(verified_fields, $2::text) END, updated_at = now()
       WHERE id = $1 RETURNING id, verified_fields, deleted_at`,
      [contactId, field, verified],
    ),
  );
  return toState(rows[0]);
}

/** Soft-deletes at `at` (a contact deleted before keeps its first time); undefined when there is no such contact. */
export async function softDeleteContact(m: Queryable, id: string, at: Date): Promise<ContactState | undefined> {
  const rows = returnedRows<Row>(
    await m.query(`UPDATE contacts SET deleted_at = coalesce(deleted_at, $2), updated_at = now() WHERE id = $1 RETURNING id, verified_fields, deleted_at`, [id, at]),
  );
  return toState(rows[0]);
}

export async function undeleteContact(m: Queryable, id: string): Promise<ContactState | undefined> {
  const rows = returnedRows<Row>(await m.query(`UPDATE contacts SET deleted_at = NULL, updated_at = now() WHERE id = $1 RETURNING id, verified_fields, deleted_at`, [id]));
  return toState(rows[0]);
}

/** When the contact was deleted (null: it is not); undefined when there is no such contact. */
export async function deletedAtOf(m: Queryable, id: string): Promise<Date | null | undefined> {
  const found = (await m.query(`SELECT deleted_at FROM contacts WHERE id = $1`, [id])) as Array<{ deleted_at: Date | null }>;
  return found[0] ? found[0].deleted_at : undefined;
}

/** Removes the contacts deleted before `cutoff`, their links, provenance and queued deliveries; returns how many. */
export async function purgeContactsDeletedBefore(m: Queryable, cutoff: Date): Promise<number> {
  const ids = ((await m.query(`SELECT id FROM contacts WHERE deleted_at < $1`, [cutoff])) as Array<{ id: string }>).map((r) => r.id);
  if (!ids.length) return 0;
  await m.query(`DELETE FROM source_links WHERE record_id = ANY($1::uuid[])`, [ids]);
  await m.query(`DELETE FROM record_provenance WHERE record_id = ANY($1::uuid[])`, [ids]);
  await m.query(`DELETE FROM outbox WHERE record_id = ANY($1::uuid[])`, [ids]);
  await m.query(`UPDATE contacts SET merged_into = NULL WHERE merged_into = ANY($1::uuid[])`, [ids]);
  await m.query(`DELETE FROM contacts WHERE id = ANY($1::uuid[])`, [ids]);
  return ids.length;
}
