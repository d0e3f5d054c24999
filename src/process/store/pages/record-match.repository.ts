/**
 * The stored records a sync page's records may be, found by their natural keys in one
 * statement per kind: contacts by exact key (email, phone, LinkedIn URL), companies by name
 * key or domain. Oldest first — the oldest live record wins a match. The caller holds the
 * keys' locks (key-locks.ts) before it asks, so no other ingest adds one meanwhile.
 */
import { EXACT_KEYS } from '../../matching/exact-keys';
import type { Queryable } from '../queryable';

/** A contact's id and exact-key values, keyed by unified field name (`email`, `phone`, `linkedinUrl`). */
export type ContactKeys = Record<string, string | null> & { id: string };

/** Unmerged contacts holding any of the values; `wanted[i]` are the values of EXACT_KEYS[i]. */
export async function contactsByExactKeys(q: Queryable, wanted: ReadonlyArray<readonly string[]>): Promise<ContactKeys[]> {
  const where = EXACT_KEYS.map(([, column], i) => `${column} = ANY($${i + 1})`).join(' OR ');
  const select = EXACT_KEYS.map(([f, column]) => `${column} AS "${f}"`).join(', ');
  return (await q.query(`SELECT id, ${select} FROM contacts WHERE merged_into IS NULL AND (${where}) ORDER BY created_at, id`, [...wanted])) as ContactKeys[];
}

/** Live companies with any of the name keys or domains. */
export async function companiesByKeys(q: Queryable, nameKeys: readonly string[], domains: readonly string[]): Promise<Array<{ id: string; nameKey: string | null; domain: string | null }>> {
  const rows = (await q.query(
    `SELECT id, name_key, domain FROM companies WHERE deleted_at IS NULL AND (name_key = ANY($1) OR domain = ANY($2)) ORDER BY created_at, id`,
    [nameKeys, domains],
  )) as Array<{ id: string; name_key: string | null; domain: string | null }>;
  return rows.map((r) => ({ id: r.id, nameKey: r.name_key, domain: r.domain }));
}
