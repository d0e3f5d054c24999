/**
 * The bulk scan for duplicates that entered before a rule existed (or before a key was
 * normalized): contacts sharing an exact key are merged (master by completeness, then
 * recency), connected groups as one; fuzzy pairs are only proposed as candidates.
 */
import type { DataSource } from 'typeorm';
import { EXACT_KEYS } from '../matching/exact-keys';
import { proposeAll } from '../matching/duplicate-candidates';
import { contactsSharingKey } from '../store/matching/exact-key.repository';
import type { Queryable } from '../store/queryable';
import { loadContactRows, lockDuplicateScan } from '../store/records/merge.repository';
import { chooseMaster, mergeContacts } from './merge.service';

export interface ScanOutcome {
  merged: number;
  candidates: number;
}

export async function scanForDuplicates(db: DataSource): Promise<ScanOutcome> {
  return db.transaction(async (m) => {
    await lockDuplicateScan(m);
    let merged = 0;
    for (const group of await exactGroups(m)) {
      const master = chooseMaster(await loadContactRows(m, group));
      const result = await mergeContacts(m, master.id, group.filter((id) => id !== master.id));
      if (result.ok) merged += result.mergedIds.length;
    }
    return { merged, candidates: await proposeAll(m) };
  });
}

/** Groups of live contacts joined by any shared exact key (union-find over email, phone, LinkedIn). */
async function exactGroups(m: Queryable): Promise<string[][]> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const root = find(p);
    parent.set(x, root);
    return root;
  };
  for (const [, column] of EXACT_KEYS) {
    for (const ids of await contactsSharingKey(m, column)) for (const id of ids.slice(1)) parent.set(find(id), find(ids[0]!));
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    groups.set(root, [...new Set([...(groups.get(root) ?? [root]), id])]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
