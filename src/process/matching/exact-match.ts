/**
 * Exact-key matching (SPEC §3): a person already known by normalized email, E.164 phone or
 * canonical LinkedIn URL — from any CRM, or another record of the same CRM — is the same
 * person. Keys are tried in that order; the oldest live contact wins.
 */
import type { EntityManager } from 'typeorm';
import type { ContactField, UnifiedValue } from '../model';
import { lockKeys } from '../store/key-locks';

export const EXACT_KEYS = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['linkedinUrl', 'linkedin_url'],
] as const satisfies ReadonlyArray<readonly [ContactField, string]>;

export interface ExactMatch {
  id: string;
  matchedOn: ContactField;
}

type Queryable = Pick<EntityManager, 'query'>;

export async function matchContactExactly(m: Queryable, values: Partial<Record<ContactField, UnifiedValue>>, excludeId?: string): Promise<ExactMatch | undefined> {
  const keys = EXACT_KEYS.filter(([f]) => values[f]);
  if (!keys.length) return undefined;
  // Serializes concurrent ingests of one person across instances (see key-locks.ts).
  await lockKeys(m, 'contact', keys.map(([f]) => `${f}:${values[f]}`));
  // One statement for every key; the earlier key in EXACT_KEYS wins, then the oldest contact.
  const rank = keys.map(([, column], i) => `WHEN ${column} = $${i + 2} THEN ${i}`).join(' ');
  const where = keys.map(([, column], i) => `${column} = $${i + 2}`).join(' OR ');
  const rows = (await m.query(
    `SELECT id, CASE ${rank} END AS k FROM contacts WHERE merged_into IS NULL AND id IS DISTINCT FROM $1 AND (${where}) ORDER BY k, created_at, id LIMIT 1`,
    [excludeId ?? null, ...keys.map(([f]) => values[f])],
  )) as Array<{ id: string; k: number }>;
  const hit = rows[0];
  return hit ? { id: hit.id, matchedOn: keys[hit.k]![0] } : undefined;
}
