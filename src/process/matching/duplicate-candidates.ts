/**
 * Fuzzy duplicates are only proposed, never merged: a pair scoring at least PROPOSE_AT is
 * stored once (ordered pair, unique) as an OPEN candidate for a person to merge or dismiss.
 */
import type { EntityManager } from 'typeorm';
import { PROPOSE_AT, scorePair, type FuzzyPerson } from './similarity';

type Queryable = Pick<EntityManager, 'query'>;

interface PersonRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  name_key: string | null;
}
const toPerson = (r: PersonRow): FuzzyPerson => ({ id: r.id, firstName: r.first_name, lastName: r.last_name, companyKey: r.name_key });

const LIVE_PEOPLE = `SELECT c.id, c.first_name, c.last_name, co.name_key FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
  WHERE c.merged_into IS NULL AND c.deleted_at IS NULL`;

export async function storeCandidate(m: Queryable, a: string, b: string, score: number, matchedOn: string[]): Promise<boolean> {
  const [x, y] = a < b ? [a, b] : [b, a];
  const rows = (await m.query(
    `INSERT INTO duplicate_candidates (contact_a, contact_b, score, matched_on) VALUES ($1, $2, $3, $4) ON CONFLICT (contact_a, contact_b) DO NOTHING RETURNING id`,
    [x, y, score, matchedOn],
  )) as Array<{ id: string }>;
  return rows.length > 0;
}

/** After a contact is stored: compares it with people of the same surname, or of the same company and surname initial (blocking keeps it cheap). */
export async function proposeDuplicatesFor(m: Queryable, contactId: string): Promise<number> {
  // One statement: the contact itself first, then its block (same surname, or same company and initial).
  const rows = ((await m.query(
    `WITH self AS (SELECT c.id, c.first_name, c.last_name, co.name_key FROM contacts c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id = $1)
     SELECT * FROM self
     UNION ALL (${LIVE_PEOPLE} AND c.id <> $1 AND c.last_name IS NOT NULL AND EXISTS (SELECT 1 FROM self s WHERE
       lower(c.last_name) = lower(s.last_name) OR (co.name_key = s.name_key AND left(lower(c.last_name), 1) = left(lower(s.last_name), 1))) LIMIT 500)`,
    [contactId],
  )) as PersonRow[]).map(toPerson);
  const [self, ...others] = rows;
  if (!self || self.id !== contactId || (!self.lastName && !self.firstName)) return 0;
  let proposed = 0;
  for (const other of others) {
    const { score, matchedOn } = scorePair(self, other);
    if (score >= PROPOSE_AT && (await storeCandidate(m, self.id, other.id, score, matchedOn))) proposed++;
  }
  return proposed;
}

/** Every pair within a company (or, without one, a surname): for the bulk scan. */
export async function proposeAll(m: Queryable): Promise<number> {
  const people = ((await m.query(LIVE_PEOPLE)) as PersonRow[]).map(toPerson);
  const blocks = new Map<string, FuzzyPerson[]>();
  for (const p of people) {
    const key = p.companyKey ? `co:${p.companyKey}` : `ln:${(p.lastName ?? '').toLowerCase()}`;
    blocks.set(key, [...(blocks.get(key) ?? []), p]);
  }
  let proposed = 0;
  for (const block of blocks.values())
    for (let i = 0; i < block.length; i++)
      for (let j = i + 1; j < block.length; j++) {
        const { score, matchedOn } = scorePair(block[i]!, block[j]!);
        if (score >= PROPOSE_AT && (await storeCandidate(m, block[i]!.id, block[j]!.id, score, matchedOn))) proposed++;
      }
  return proposed;
}
