/**
 * Exact-key matching (SPEC §3): a person already known by normalized email, E.164 phone or
 * canonical LinkedIn URL — from any CRM, or another record of the same CRM — is the same
 * person. Keys are tried in that order; the oldest live contact wins.
 */
import type { ContactField, UnifiedValue } from '../model';
import { firstContactByExactKeys } from '../store/matching/exact-key.repository';
import { lockKeys } from '../store/key-locks';
import type { Queryable } from '../store/queryable';

export const EXACT_KEYS = [
  ['email', 'email'],
  ['phone', 'phone'],
  ['linkedinUrl', 'linkedin_url'],
] as const satisfies ReadonlyArray<readonly [ContactField, string]>;

export interface ExactMatch {
  id: string;
  matchedOn: ContactField;
}

export async function matchContactExactly(m: Queryable, values: Partial<Record<ContactField, UnifiedValue>>, excludeId?: string): Promise<ExactMatch | undefined> {
  const keys = EXACT_KEYS.filter(([f]) => values[f]);
  if (!keys.length) return undefined;
  // Serializes concurrent ingests of one person across instances (see key-locks.ts).
  await lockKeys(m, 'contact', keys.map(([f]) => `${f}:${values[f]}`));
  const hit = await firstContactByExactKeys(m, keys.map(([f, column]) => ({ column, value: values[f] })), excludeId);
  return hit ? { id: hit.id, matchedOn: keys[hit.keyIndex]![0] } : undefined;
}
