/**
 * MergeContacts and UndoMerge (SPEC §3). A merge moves every source link and the field
 * values the master lacks (with their provenance) to the master, marks the duplicates
 * `merged_into` it, and records a full snapshot taken before; an undo puts that snapshot
 * back exactly. Both queue the records for delivery to every CRM.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACT_FIELDS } from '../model';
import { columnsFor, enqueueOutbound } from '../store/record-store';
import { restoreSnapshot, takeSnapshot, type MergeSnapshot } from './merge-snapshot';

export type MergeResult = { ok: true; masterId: string; mergedIds: string[]; mergeId: string } | { ok: false; error: 'NOT_FOUND' | 'INVALID'; message: string };
export type UndoResult = { ok: true; masterId: string; restoredIds: string[] } | { ok: false; error: 'NOT_FOUND'; message: string };

interface ContactRow {
  id: string;
  merged_into: string | null;
  updated_at: Date;
  created_at: Date;
  [column: string]: unknown;
}

type Queryable = Pick<EntityManager, 'query'>;

/** Master by completeness (most filled fields), then recency (latest update), then age. */
export function chooseMaster<T extends { updated_at: Date; created_at: Date; id: string }>(rows: T[]): T {
  const filled = (r: T) => CONTACT_FIELDS.filter((f) => (r as unknown as Record<string, unknown>)[columnsFor('CONTACT')[f]!] != null).length;
  return [...rows].sort((a, b) => filled(b) - filled(a) || +new Date(b.updated_at) - +new Date(a.updated_at) || +new Date(a.created_at) - +new Date(b.created_at) || a.id.localeCompare(b.id))[0]!;
}

export class MergeService {
  constructor(private db: DataSource) {}

  merge(masterId: string, duplicateIds: string[]): Promise<MergeResult> {
    return this.db.transaction((m) => mergeContacts(m, masterId, duplicateIds));
  }

  undo(contactId: string): Promise<UndoResult> {
    return this.db.transaction((m) => undoMerge(m, contactId));
  }
}

export async function mergeContacts(m: Queryable, masterId: string, duplicateIds: string[]): Promise<MergeResult> {
  const dups = [...new Set(duplicateIds)].filter((id) => id !== masterId);
  if (!dups.length) return { ok: false, error: 'INVALID', message: 'give at least one duplicate other than the master' };
  const ids = [masterId, ...dups];
  // Locked in id order, so two merges touching the same contacts cannot deadlock.
  const rows = (await m.query(`SELECT * FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids])) as ContactRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) return { ok: false, error: 'NOT_FOUND', message: `contact ${missing} does not exist` };
  const merged = rows.find((r) => r.merged_into !== null);
  if (merged) return { ok: false, error: 'INVALID', message: `contact ${merged.id} is already merged into ${merged.merged_into}` };

  const chained = ((await m.query(`SELECT id FROM contacts WHERE merged_into = ANY($1::uuid[])`, [dups])) as Array<{ id: string }>).map((r) => r.id);
  const snapshot = await takeSnapshot(m, [...ids, ...chained]);
  await fillMasterGaps(m, byId.get(masterId)!, dups.map((id) => byId.get(id)!));
  await m.query(`UPDATE source_links SET record_id = $1 WHERE record_kind = 'CONTACT' AND record_id = ANY($2::uuid[])`, [masterId, dups]);
  await m.query(`UPDATE contacts SET merged_into = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [masterId, dups]);
  // Contacts merged into a duplicate earlier now answer to the new master.
  await m.query(`UPDATE contacts SET merged_into = $1 WHERE merged_into = ANY($2::uuid[])`, [masterId, dups]);
  await m.query(`UPDATE duplicate_candidates SET status = 'MERGED' WHERE status = 'OPEN' AND contact_a = ANY($1::uuid[]) AND contact_b = ANY($1::uuid[])`, [ids]);
  const [row] = (await m.query(`INSERT INTO merges (master_id, merged_ids, snapshot) VALUES ($1, $2, $3) RETURNING id`, [masterId, dups, JSON.stringify(snapshot)])) as Array<{ id: string }>;
  await enqueueOutbound(m as EntityManager, 'CONTACT', masterId, null, new Date());
  return { ok: true, masterId, mergedIds: dups, mergeId: row!.id };
}

/** Fields the master lacks take the most recently changed value among the duplicates, with its provenance. */
async function fillMasterGaps(m: Queryable, master: ContactRow, dups: ContactRow[]): Promise<void> {
  const cols = columnsFor('CONTACT');
  const prov = (await m.query(`SELECT record_id, field, changed_at FROM field_provenance WHERE record_id = ANY($1::uuid[])`, [dups.map((d) => d.id)])) as Array<{ record_id: string; field: string; changed_at: Date }>;
  const changedAt = (id: string, field: string) => +new Date(prov.find((p) => p.record_id === id && p.field === field)?.changed_at ?? 0);
  for (const field of CONTACT_FIELDS) {
    const col = cols[field]!;
    if (master[col] != null) continue;
    const donor = dups.filter((d) => d[col] != null).sort((a, b) => changedAt(b.id, field) - changedAt(a.id, field))[0];
    if (!donor) continue;
    await m.query(`UPDATE contacts SET ${col} = $2, updated_at = now() WHERE id = $1`, [master.id, donor[col]]);
    await m.query(
      `INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at)
       SELECT $1, field, value, connection_id, changed_at FROM field_provenance WHERE record_id = $2 AND field = $3
       ON CONFLICT (record_id, field) DO UPDATE SET value = EXCLUDED.value, connection_id = EXCLUDED.connection_id, changed_at = EXCLUDED.changed_at`,
      [master.id, donor.id, field],
    );
  }
  if (master.company_id == null) {
    const withCompany = dups.find((d) => d.company_id != null);
    if (withCompany) await m.query(`UPDATE contacts SET company_id = $2 WHERE id = $1`, [master.id, withCompany.company_id]);
  }
  await m.query(
    `UPDATE contacts SET verified_fields = (SELECT coalesce(array_agg(DISTINCT v ORDER BY v), '{}') FROM contacts c, unnest(c.verified_fields) v WHERE c.id = ANY($2::uuid[]))
     WHERE id = $1`,
    [master.id, [master.id, ...dups.map((d) => d.id)]],
  );
}

/** Undoes the latest merge the contact took part in (as master or duplicate). */
export async function undoMerge(m: Queryable, contactId: string): Promise<UndoResult> {
  const rows = (await m.query(
    `SELECT id, master_id, merged_ids, snapshot FROM merges WHERE undone_at IS NULL AND (master_id = $1 OR $1 = ANY(merged_ids)) ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [contactId],
  )) as Array<{ id: string; master_id: string; merged_ids: string[]; snapshot: MergeSnapshot }>;
  const merge = rows[0];
  if (!merge) return { ok: false, error: 'NOT_FOUND', message: `contact ${contactId} has no merge to undo` };
  const ids = merge.snapshot.contacts.map((c) => String(c.id));
  await m.query(`SELECT id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  await restoreSnapshot(m, ids, merge.snapshot);
  await m.query(`UPDATE merges SET undone_at = now() WHERE id = $1`, [merge.id]);
  for (const id of ids) await enqueueOutbound(m as EntityManager, 'CONTACT', id, null, new Date());
  return { ok: true, masterId: merge.master_id, restoredIds: merge.merged_ids };
}
