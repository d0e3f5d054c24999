/**
 * LinkedIn profile URLs compare equal however they were pasted: scheme, "www."/country
 * subdomains, case, query strings and trailing slashes are dropped —
 * "http://de.linkedin.com/in/Ada-Lovelace/?trk=x" → "https://www.linkedin.com/in/ada-lovelace".
 * Anything that is not a profile URL passes through trimmed (a FORMAT rule can reject it).
 */
import type { UnifiedValue } from '../model';

const PROFILE = /^(?:https?:\/\/)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com\/(in|pub|company)\/([^/?#\s]+)/i;

export function normalizeLinkedIn(v: UnifiedValue): UnifiedValue {
  const t = v?.trim();
  if (!t) return null;
  const m = PROFILE.exec(t);
  if (!m) return t;
  let slug = m[2]!;
  try {
    slug = decodeURIComponent(slug);
  } catch {
    // A malformed escape is kept as written.
  }
  return `https://www.linkedin.com/${m[1]!.toLowerCase()}/${slug.toLowerCase()}`;
}
