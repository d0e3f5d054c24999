/**
 * The bulk scan for duplicates that entered before a rule existed (or before a key was
 * normalized): contacts sharing an exact key are merged (master by completeness, then
 * recency), connected groups as one; fuzzy pairs are only proposed as candidates.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { EXACT_KEYS } from '../matching/exact-match';
import { proposeAll } from '../matching/duplicate-candidates';
import { chooseMaster, mergeContacts } from './merge.service';

export interface ScanOutcome {
  merged: number;
  candidates: number;
}

type Queryable = Pick<EntityManager, 'query'>;

export async function scanForDuplicates(db: DataSource): Promise<ScanOutcome> {
  return db.transaction(async (m) => {
    // One scan at a time, whatever the number of instances.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('junction:duplicate-scan'))`);
    let merged = 0;
    for (const group of await exactGroups(m)) {
      const rows = (await m.query(`SELECT * FROM contacts WHERE id = ANY($1::uuid[])`, [group])) as Array<{ id: string; updated_at: Date; created_at: Date }>;
      const master = chooseMaster(rows);
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
    const rows = (await m.query(
      `SELECT array_agg(id ORDER BY created_at, id) AS ids FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL AND ${column} IS NOT NULL GROUP BY ${column} HAVING count(*) > 1`,
    )) as Array<{ ids: string[] }>;
    for (const { ids } of rows) for (const id of ids.slice(1)) parent.set(find(id), find(ids[0]!));
  }
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    groups.set(root, [...new Set([...(groups.get(root) ?? [root]), id])]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
