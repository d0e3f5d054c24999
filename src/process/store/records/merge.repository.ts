/**
 * A merge of contacts as stored: the duplicates' rows locked and marked `merged_into` the
 * master, their source links and open candidates moved or closed, and the `merges` row (with
 * the snapshot an undo restores). Every function runs on the caller's transaction, so a merge
 * (or an undo) commits as one.
 */
import type { Queryable } from '../queryable';
import type { MergeSnapshot } from './merge-snapshot.repository';

/** A contact as stored, every column: a merge decides on, and snapshots, the whole row. */
export interface ContactRow {
  id: string;
  merged_into: string | null;
  updated_at: Date;
  created_at: Date;
  [column: string]: unknown;
}

export interface StoredMerge {
  id: string;
  master_id: string;
  merged_ids: string[];
  snapshot: MergeSnapshot;
}

/** The contacts' rows, locked in id order so two merges touching the same contacts cannot deadlock. */
export async function lockContactRows(m: Queryable, ids: readonly string[]): Promise<ContactRow[]> {
  return (await m.query(`SELECT * FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids])) as ContactRow[];
}

/** The contacts' rows, unlocked (the bulk scan's choice of a master; the merge then locks). */
export async function loadContactRows(m: Queryable, ids: readonly string[]): Promise<ContactRow[]> {
  return (await m.query(`SELECT * FROM contacts WHERE id = ANY($1::uuid[])`, [ids])) as ContactRow[];
}

/** Ids of the contacts merged earlier into any of these. */
export async function contactsMergedInto(m: Queryable, ids: readonly string[]): Promise<string[]> {
  return ((await m.query(`SELECT id FROM contacts WHERE merged_into = ANY($1::uuid[])`, [ids])) as Array<{ id: string }>).map((r) => r.id);
}

/** Moves the duplicates' source links to the master, marks them merged into it, and re-points contacts merged into them earlier. */
export async function mergeInto(m: Queryable, masterId: string, duplicateIds: readonly string[]): Promise<void> {
  await m.query(`UPDATE source_links SET record_id = $1 WHERE record_kind = 'CONTACT' AND record_id = ANY($2::uuid[])`, [masterId, duplicateIds]);
  await m.query(`UPDATE contacts SET merged_into = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [masterId, duplicateIds]);
  // Contacts merged into a duplicate earlier now answer to the new master.
  await m.query(`UPDATE contacts SET merged_into = $1 WHERE merged_into = ANY($2::uuid[])`, [masterId, duplicateIds]);
}

/** Open candidates between any two of these contacts are settled by the merge. */
export async function closeCandidatesAmong(m: Queryable, ids: readonly string[]): Promise<void> {
  await m.query(`UPDATE duplicate_candidates SET status = 'MERGED' WHERE status = 'OPEN' AND contact_a = ANY($1::uuid[]) AND contact_b = ANY($1::uuid[])`, [ids]);
}

/** Records the merge with the snapshot taken before it; returns its id. */
export async function insertMerge(m: Queryable, masterId: string, mergedIds: readonly string[], snapshot: MergeSnapshot): Promise<string> {
  const [row] = (await m.query(`INSERT INTO merges (master_id, merged_ids, snapshot) VALUES ($1, $2, $3) RETURNING id`, [masterId, mergedIds, JSON.stringify(snapshot)])) as Array<{ id: string }>;
  return row!.id;
}

/** The latest merge not undone that the contact took part in (as master or duplicate), locked. */
export async function latestMergeOf(m: Queryable, contactId: string): Promise<StoredMerge | undefined> {
  const rows = (await m.query(
    `SELECT id, master_id, merged_ids, snapshot FROM merges WHERE undone_at IS NULL AND (master_id = $1 OR $1 = ANY(merged_ids)) ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [contactId],
  )) as StoredMerge[];
  return rows[0];
}

/** Locks the contacts (in id order) an undo is about to restore. */
export async function lockContacts(m: Queryable, ids: readonly string[]): Promise<void> {
  await m.query(`SELECT id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
}

export async function markMergeUndone(m: Queryable, mergeId: string): Promise<void> {
  await m.query(`UPDATE merges SET undone_at = now() WHERE id = $1`, [mergeId]);
}

/** One bulk duplicate scan at a time, whatever the number of instances (held until commit). */
export async function lockDuplicateScan(m: Queryable): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('junction:duplicate-scan'))`);
}
