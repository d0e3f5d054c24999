/**
 * What a merge changes, captured whole before it happens — every involved contact row (all
 * columns, whatever later migrations add), their field provenance, their source links and
 * their duplicate candidates — and put back exactly by an undo. Stored as jsonb in `merges`
 * (merge.repository.ts), run inside the merge's (or the undo's) transaction.
 */
import type { Queryable } from '../queryable';

export interface MergeSnapshot {
  contacts: Array<Record<string, unknown>>;
  provenance: Array<Record<string, unknown>>;
  links: Array<Record<string, unknown>>;
  candidates: Array<Record<string, unknown>>;
}

export async function takeSnapshot(m: Queryable, ids: string[]): Promise<MergeSnapshot> {
  const json = async (sql: string) => ((await m.query(sql, [ids])) as Array<{ j: Record<string, unknown> }>).map((r) => r.j);
  return {
    contacts: await json(`SELECT to_jsonb(c) AS j FROM contacts c WHERE id = ANY($1::uuid[]) ORDER BY id`),
    provenance: await json(`SELECT to_jsonb(p) AS j FROM field_provenance p WHERE record_id = ANY($1::uuid[]) ORDER BY record_id, field`),
    links: await json(`SELECT to_jsonb(l) AS j FROM source_links l WHERE record_kind = 'CONTACT' AND record_id = ANY($1::uuid[]) ORDER BY id`),
    candidates: await json(`SELECT to_jsonb(d) AS j FROM duplicate_candidates d WHERE contact_a = ANY($1::uuid[]) OR contact_b = ANY($1::uuid[]) ORDER BY id`),
  };
}

let contactColumns: string[] | undefined;

async function columnsOf(m: Queryable): Promise<string[]> {
  contactColumns ??= ((await m.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'contacts' AND column_name <> 'id' ORDER BY ordinal_position`,
  )) as Array<{ column_name: string }>).map((r) => r.column_name);
  return contactColumns;
}

export async function restoreSnapshot(m: Queryable, ids: string[], s: MergeSnapshot): Promise<void> {
  const cols = await columnsOf(m);
  await m.query(
    `UPDATE contacts c SET ${cols.map((col) => `"${col}" = x."${col}"`).join(', ')}
     FROM jsonb_populate_recordset(NULL::contacts, $1::jsonb) x WHERE c.id = x.id`,
    [JSON.stringify(s.contacts)],
  );
  await m.query(`DELETE FROM record_provenance WHERE record_id = ANY($1::uuid[])`, [ids]);
  await m.query(`INSERT INTO field_provenance SELECT * FROM jsonb_populate_recordset(NULL::field_provenance, $1::jsonb)`, [JSON.stringify(s.provenance)]);
  await m.query(
    `UPDATE source_links l SET record_id = x.record_id, content_hash = x.content_hash, remote_updated_at = x.remote_updated_at, last_synced_at = x.last_synced_at
     FROM jsonb_populate_recordset(NULL::source_links, $1::jsonb) x WHERE l.id = x.id`,
    [JSON.stringify(s.links)],
  );
  await m.query(
    `UPDATE duplicate_candidates d SET status = x.status FROM jsonb_populate_recordset(NULL::duplicate_candidates, $1::jsonb) x WHERE d.id = x.id`,
    [JSON.stringify(s.candidates)],
  );
}
