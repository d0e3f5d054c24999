/** Counts over live contacts (neither deleted nor merged away) that the audit's data-quality section rates. */
import type { Queryable } from '../queryable';

export interface ContactQualityCounts {
  total: number;
  /** Contacts beyond the first with the same email (case-insensitive). */
  duplicates: number;
  /** Missing email or last name. */
  missingRequired: number;
  /** An email present but not shaped like an address. */
  invalidEmails: number;
  /** Not updated in `staleDays` before `now`. */
  stale: number;
}

/** Loose on purpose: a syntactic check, as the FORMAT rule does at the door. */
const EMAIL_PATTERN = `^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$`;

export async function countContactQuality(db: Queryable, now: Date, staleDays: number): Promise<ContactQualityCounts> {
  const [r] = (await db.query(
    `WITH live AS (SELECT * FROM contacts WHERE deleted_at IS NULL AND merged_into IS NULL)
     SELECT (SELECT count(*)::int FROM live) AS total,
       (SELECT coalesce(sum(n - 1), 0)::int FROM (SELECT count(*) AS n FROM live WHERE email IS NOT NULL AND email <> '' GROUP BY lower(email) HAVING count(*) > 1) d) AS duplicates,
       (SELECT count(*)::int FROM live WHERE coalesce(email, '') = '' OR coalesce(last_name, '') = '') AS missing_required,
       (SELECT count(*)::int FROM live WHERE coalesce(email, '') <> '' AND email !~ $2) AS invalid_emails,
       (SELECT count(*)::int FROM live WHERE updated_at < $1::timestamptz - make_interval(days => $3::int)) AS stale`,
    [now, EMAIL_PATTERN, staleDays],
  )) as Array<{ total: number; duplicates: number; missing_required: number; invalid_emails: number; stale: number }>;
  return { total: r!.total, duplicates: r!.duplicates, missingRequired: r!.missing_required, invalidEmails: r!.invalid_emails, stale: r!.stale };
}
