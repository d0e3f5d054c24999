/**
 * What a merge writes onto its master besides the merge itself: a value it lacked (copied with
 * its provenance from the donor duplicate), a company, and the union of verified fields. The
 * column comes from columnsFor('CONTACT') (record-columns.ts), a fixed list — never from input.
 */
import type { Queryable } from '../queryable';

export interface FieldChange {
  record_id: string;
  field: string;
  changed_at: Date;
}

/** When each field of these records last changed (their provenance). */
export async function fieldChangeTimes(m: Queryable, recordIds: readonly string[]): Promise<FieldChange[]> {
  return (await m.query(`SELECT record_id, field, changed_at FROM field_provenance WHERE record_id = ANY($1::uuid[])`, [recordIds])) as FieldChange[];
}

/** Gives the master the donor's value of one field, and the donor's provenance of it. */
export async function takeFieldFrom(m: Queryable, masterId: string, donorId: string, field: string, column: string, value: unknown): Promise<void> {
  await m.query(`UPDATE contacts SET ${column} = $2, updated_at = now() WHERE id = $1`, [masterId, value]);
  await m.query(
    `INSERT INTO record_provenance (record_id, fields)
       SELECT $1, jsonb_build_object($3::text, fields -> $3::text) FROM record_provenance WHERE record_id = $2 AND fields ? $3::text
       ON CONFLICT (record_id) DO UPDATE SET fields = record_provenance.fields || EXCLUDED.fields`,
    [masterId, donorId, field],
  );
}

export async function setContactCompany(m: Queryable, contactId: string, companyId: unknown): Promise<void> {
  await m.query(`UPDATE contacts SET company_id = $2 WHERE id = $1`, [contactId, companyId]);
}

/** The master's verified fields become the union of every merged contact's (master included). */
export async function uniteVerifiedFields(m: Queryable, masterId: string, contactIds: readonly string[]): Promise<void> {
  await m.query(
    `UPDATE contacts SET verified_fields = (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{}') FROM contacts c, unnest(c.verified_fields) v WHERE c.id = ANY($2::uuid[]))
     WHERE id = $1`,
    [masterId, contactIds],
  );
}
