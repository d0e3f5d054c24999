/** Data quality of the unified store: duplicates, missing required fields, invalid emails, stale records. */
import type { DataSource } from 'typeorm';

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
/** Loose on purpose: a syntactic check, as the FORMAT rule does at the door. */
const EMAIL_PATTERN = `^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$`;

export async function measureDataQuality(db: DataSource, now: Date): Promise<DataQuality> {
  const [r] = (await db.query(
    `WITH live AS (SELECT * FROM contacts WHERE deleted_at IS NULL AND merged_into IS NULL)
     SELECT (SELECT count(*)::int FROM live) AS total,
       (SELECT coalesce(sum(n - 1), 0)::int FROM (SELECT count(*) AS n FROM live WHERE email IS NOT NULL AND email <> '' GROUP BY lower(email) HAVING count(*) > 1) d) AS duplicates,
       (SELECT count(*)::int FROM live WHERE coalesce(email, '') = '' OR coalesce(last_name, '') = '') AS missing_required,
       (SELECT count(*)::int FROM live WHERE coalesce(email, '') <> '' AND email !~ $2) AS invalid_emails,
       (SELECT count(*)::int FROM live WHERE updated_at < $1::timestamptz - make_interval(days => ${STALE_DAYS})) AS stale`,
    [now, EMAIL_PATTERN],
  )) as Array<{ total: number; duplicates: number; missing_required: number; invalid_emails: number; stale: number }>;
  const rate = (n: number) => (r!.total > 0 ? n / r!.total : 0);
  return {
    totalContacts: r!.total,
    duplicateRate: rate(r!.duplicates),
    missingRequiredRate: rate(r!.missing_required),
    invalidEmailRate: rate(r!.invalid_emails),
    staleRate: rate(r!.stale),
    staleDays: STALE_DAYS,
    counts: { duplicates: r!.duplicates, missingRequired: r!.missing_required, invalidEmails: r!.invalid_emails, stale: r!.stale },
  };
}
