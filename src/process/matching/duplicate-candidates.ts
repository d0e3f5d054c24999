/**
 * Fuzzy duplicates are only proposed, never merged: a pair scoring at least PROPOSE_AT is
 * stored once (ordered pair, unique) as an OPEN candidate for a person to merge or dismiss.
 */
import { fuzzyBlocks, livePeople, storeCandidate, storeCandidates, type CandidatePair } from '../store/matching/duplicate-candidate.repository';
import type { Queryable } from '../store/queryable';
import { PROPOSE_AT, scorePair, type FuzzyPerson } from './similarity';

/** People compared with each new contact at ingest (see proposeDuplicatesForMany). */
const BLOCK_LIMIT = 50;
/**
 * Proposals kept per new contact, best scores first: a reviewer acts on the top few, and a
 * name shared by many people at one employer must not turn one ingest into dozens of rows.
 */
export const PROPOSALS_PER_CONTACT = 5;

/** After a contact is stored: proposes its fuzzy duplicates (see proposeDuplicatesForMany). */
export async function proposeDuplicatesFor(m: Queryable, contactId: string): Promise<number> {
  return proposeDuplicatesForMany(m, [contactId]);
}

/**
 * Proposals for every contact a page created, in one read and one write. The block is the
 * people of a company with the same match key and the same initials, at most BLOCK_LIMIT per
 * contact: a pair without the same company scores at most NAME_WEIGHT (0.75), below PROPOSE_AT
 * (0.85), so comparing a whole surname across the store could never propose anything. The
 * limit keeps a page's cost flat as the store grows (a big company where many people share
 * initials — or a name — no longer makes every later page slower); the bulk scan (proposeAll,
 * `scanDuplicates`) still compares whole companies. Of what a contact's block turns up, the
 * best PROPOSALS_PER_CONTACT are stored.
 */
export async function proposeDuplicatesForMany(m: Queryable, contactIds: readonly string[]): Promise<number> {
  if (!contactIds.length) return 0;
  const pairs = new Map<string, CandidatePair>();
  for (const { self, others } of await fuzzyBlocks(m, contactIds, BLOCK_LIMIT)) {
    if (!self.lastName && !self.firstName) continue;
    const found: CandidatePair[] = [];
    for (const other of others) {
      const { score, matchedOn } = scorePair(self, other);
      if (score < PROPOSE_AT) continue;
      const [a, b] = self.id < other.id ? [self.id, other.id] : [other.id, self.id];
      found.push({ a, b, score, matchedOn });
    }
    for (const p of found.sort((x, y) => y.score - x.score).slice(0, PROPOSALS_PER_CONTACT)) pairs.set(`${p.a}|${p.b}`, p);
  }
  if (!pairs.size) return 0;
  return storeCandidates(m, [...pairs.values()]);
}

/** Every pair within a company (or, without one, a surname): for the bulk scan. */
export async function proposeAll(m: Queryable): Promise<number> {
  const people = await livePeople(m);
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
