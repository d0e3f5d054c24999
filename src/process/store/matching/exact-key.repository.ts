/**
 * Live contacts found by an exact key column (email, phone, linkedin_url): the one an ingest
 * matches and the groups the bulk duplicate scan merges. The key columns come from EXACT_KEYS
 * (matching/exact-match.ts), a fixed list — never from input.
 */
import type { Queryable } from '../queryable';

export interface KeyHit {
  id: string;
  /** Index into the given keys of the first one that matched. */
  keyIndex: number;
}

/**
 * One statement for every key: the earlier key wins, then the oldest contact. Merged contacts
 * never match; `excludeId` (the record being re-matched) neither.
 */
export async function firstContactByExactKeys(m: Queryable, keys: ReadonlyArray<{ column: string; value: unknown }>, excludeId?: string): Promise<KeyHit | undefined> {
  const rank = keys.map(({ column }, i) => `WHEN ${column} = $${i + 2} THEN ${i}`).join(' ');
  const where = keys.map(({ column }, i) => `${column} = $${i + 2}`).join(' OR ');
  const rows = (await m.query(
    `SELECT id, CASE ${rank} END AS k FROM contacts WHERE merged_into IS NULL AND id IS DISTINCT FROM $1 AND (${where}) ORDER BY k, created_at, id LIMIT 1`,
    [excludeId ?? null, ...keys.map((k) => k.value)],
  )) as Array<{ id: string; k: number }>;
  const hit = rows[0];
  return hit ? { id: hit.id, keyIndex: hit.k } : undefined;
}

/** Ids (oldest first) of each set of live contacts sharing a value of `column`, sets of two or more. */
export async function contactsSharingKey(m: Queryable, column: string): Promise<string[][]> {
  const rows = (await m.query(
    `SELECT array_agg(id ORDER BY created_at, id) AS ids FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL AND ${column} IS NOT NULL GROUP BY ${column} HAVING count(*) > 1`,
  )) as Array<{ ids: string[] }>;
  return rows.map((r) => r.ids);
}
