/**
 * Live contacts sharing an exact key column (email, phone, linkedin_url): the groups the bulk
 * duplicate scan merges (an ingest matches through its page's index: store/pages/record-match.repository.ts).
 * The key columns come from EXACT_KEYS (matching/exact-keys.ts), a fixed list — never from input.
 */
import type { Queryable } from '../queryable';

/** Ids (oldest first) of each set of live contacts sharing a value of `column`, sets of two or more. */
export async function contactsSharingKey(m: Queryable, column: string): Promise<string[][]> {
  const rows = (await m.query(
    `SELECT array_agg(id ORDER BY created_at, id) AS ids FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL AND ${column} IS NOT NULL GROUP BY ${column} HAVING count(*) > 1`,
  )) as Array<{ ids: string[] }>;
  return rows.map((r) => r.ids);
}
