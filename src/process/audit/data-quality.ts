/** Data quality of the unified store: duplicates, missing required fields, invalid emails, stale records. */
import { countContactQuality } from '../store/ops/data-quality.read-model';
import type { Queryable } from '../store/queryable';

export interface DataQuality {
  totalContacts: number;
  /** Share of contacts that repeat another live contact's email. */
  duplicateRate: number;
  /** Share missing email or last name (the default REQUIRED rules). */
  missingRequiredRate: number;
  /** Share whose email is present but not an address. */
  invalidEmailRate: number;
  /** Share not changed in `staleDays`. */
  staleRate: number;
  staleDays: number;
  counts: { duplicates: number; missingRequired: number; invalidEmails: number; stale: number };
}

export const STALE_DAYS = 180;

export async function measureDataQuality(db: Queryable, now: Date): Promise<DataQuality> {
  const counts = await countContactQuality(db, now, STALE_DAYS);
  const rate = (n: number) => (counts.total > 0 ? n / counts.total : 0);
  return {
    totalContacts: counts.total,
    duplicateRate: rate(counts.duplicates),
    missingRequiredRate: rate(counts.missingRequired),
    invalidEmailRate: rate(counts.invalidEmails),
    staleRate: rate(counts.stale),
    staleDays: STALE_DAYS,
    counts: { duplicates: counts.duplicates, missingRequired: counts.missingRequired, invalidEmails: counts.invalidEmails, stale: counts.stale },
  };
}
