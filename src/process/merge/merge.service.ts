/**
 * MergeContacts and UndoMerge (SPEC §3). A merge moves every source link and the field
 * values the master lacks (with their provenance) to the master, marks the duplicates
 * `merged_into` it, and records a full snapshot taken before; an undo puts that snapshot
 * back exactly. Both queue the records for delivery to every CRM.
 */
import type { DataSource } from 'typeorm';
import { CONTACT_FIELDS } from '../model';
import type { Queryable } from '../store/queryable';
import { enqueueOutbound } from '../store/records/outbox-enqueue.repository';
import { columnsFor } from '../store/records/record-columns';
import { fieldChangeTimes, setContactCompany, takeFieldFrom, uniteVerifiedFields } from '../store/records/merge-fill.repository';
import { restoreSnapshot, takeSnapshot } from '../store/records/merge-snapshot.repository';
import {
  closeCandidatesAmong,
  contactsMergedInto,
  insertMerge,
  latestMergeOf,
  lockContactRows,
  lockContacts,
  markMergeUndone,
  mergeInto,
  type ContactRow,
} from '../store/records/merge.repository';

export type MergeResult = { ok: true; masterId: string; mergedIds: string[]; mergeId: string } | { ok: false; error: 'NOT_FOUND' | 'INVALID'; message: string };
export type UndoResult = { ok: true; masterId: string; restoredIds: string[] } | { ok: false; error: 'NOT_FOUND'; message: string };

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
  const rows = await lockContactRows(m, ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) return { ok: false, error: 'NOT_FOUND', message: `contact ${missing} does not exist` };
  const merged = rows.find((r) => r.merged_into !== null);
  if (merged) return { ok: false, error: 'INVALID', message: `contact ${merged.id} is already merged into ${merged.merged_into}` };

  const chained = await contactsMergedInto(m, dups);
  const snapshot = await takeSnapshot(m, [...ids, ...chained]);
  await fillMasterGaps(m, byId.get(masterId)!, dups.map((id) => byId.get(id)!));
  await mergeInto(m, masterId, dups);
  await closeCandidatesAmong(m, ids);
  const mergeId = await insertMerge(m, masterId, dups, snapshot);
  await enqueueOutbound(m, 'CONTACT', masterId, null, new Date());
  return { ok: true, masterId, mergedIds: dups, mergeId };
}

/** Fields the master lacks take the most recently changed value among the duplicates, with its provenance. */
async function fillMasterGaps(m: Queryable, master: ContactRow, dups: ContactRow[]): Promise<void> {
  const cols = columnsFor('CONTACT');
  const prov = await fieldChangeTimes(m, dups.map((d) => d.id));
  const changedAt = (id: string, field: string) => +new Date(prov.find((p) => p.record_id === id && p.field === field)?.changed_at ?? 0);
  for (const field of CONTACT_FIELDS) {
    const col = cols[field]!;
    if (master[col] != null) continue;
    const donor = dups.filter((d) => d[col] != null).sort((a, b) => changedAt(b.id, field) - changedAt(a.id, field))[0];
    if (!donor) continue;
    await takeFieldFrom(m, master.id, donor.id, field, col, donor[col]);
  }
  if (master.company_id == null) {
    const withCompany = dups.find((d) => d.company_id != null);
    if (withCompany) await setContactCompany(m, master.id, withCompany.company_id);
  }
  await uniteVerifiedFields(m, master.id, [master.id, ...dups.map((d) => d.id)]);
}

/** Undoes the latest merge the contact took part in (as master or duplicate). */
export async function undoMerge(m: Queryable, contactId: string): Promise<UndoResult> {
  const merge = await latestMergeOf(m, contactId);
  if (!merge) return { ok: false, error: 'NOT_FOUND', message: `contact ${contactId} has no merge to undo` };
  const ids = merge.snapshot.contacts.map((c) => String(c.id));
  await lockContacts(m, ids);
  await restoreSnapshot(m, ids, merge.snapshot);
  await markMergeUndone(m, merge.id);
  for (const id of ids) await enqueueOutbound(m, 'CONTACT', id, null, new Date());
  return { ok: true, masterId: merge.master_id, restoredIds: merge.merged_ids };
}
