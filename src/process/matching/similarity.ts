/**
 * String similarity for fuzzy matching, from fastest-levenshtein's edit distance (a library,
 * not a hand-rolled distance): 1 − distance / longer length, on case- and accent-folded text.
 */
import { distance } from 'fastest-levenshtein';

export const fold = (s: string | null | undefined): string =>
  (s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export function similarity(a: string, b: string): number {
  const x = fold(a);
  const y = fold(b);
  if (!x && !y) return 0;
  const longer = Math.max(x.length, y.length);
  return 1 - distance(x, y) / longer;
}

export interface FuzzyPerson {
  id: string;
  firstName: string | null;
  lastName: string | null;
  companyKey: string | null;
}

/** Weights: the name carries the score; the same company key is supporting evidence. */
const NAME_WEIGHT = 0.75;
const COMPANY_WEIGHT = 0.25;
export const PROPOSE_AT = 0.85;

export function scorePair(a: FuzzyPerson, b: FuzzyPerson): { score: number; matchedOn: string[] } {
  const nameScore = similarity(`${a.firstName ?? ''} ${a.lastName ?? ''}`, `${b.firstName ?? ''} ${b.lastName ?? ''}`);
  const sameCompany = !!a.companyKey && a.companyKey === b.companyKey;
  const score = Math.round((NAME_WEIGHT * nameScore + (sameCompany ? COMPANY_WEIGHT : 0)) * 1000) / 1000;
  return { score, matchedOn: [nameScore >= 0.8 ? 'name' : 'partial-name', ...(sameCompany ? ['company'] : [])] };
}
