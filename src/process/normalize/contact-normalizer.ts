/**
 * Normalization of inbound values so that two CRMs' spellings of one fact compare equal:
 * trimmed, lower-cased emails; E.164 phones (libphonenumber-js, using the record's country);
 * ISO 3166 country and subdivision codes; tidy capitalization of names.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { ContactField, RecordIssue, UnifiedValue } from '../model';
import { normalizeCountry, normalizeState } from './geography';
import { normalizeLinkedIn } from './linkedin';

export function normalizeEmail(v: UnifiedValue): UnifiedValue {
  const t = v?.trim().toLowerCase();
  return t ? t : null;
}

/** "  ada  LOVELACE" → "Ada Lovelace"; words already in mixed case ("McCarthy") are kept; particles stay lower ("van Rossum"). */
const PARTICLES = new Set(['van', 'von', 'de', 'da', 'del', 'der', 'di', 'la', 'le']);

export function normalizeName(v: UnifiedValue): UnifiedValue {
  const t = v?.replace(/\s+/g, ' ').trim();
  if (!t) return null;
  return t
    .split(' ')
    .map((word, i) => {
      const mixed = word !== word.toLowerCase() && word !== word.toUpperCase();
      if (mixed) return word;
      const lower = word.toLowerCase();
      if (i > 0 && PARTICLES.has(lower)) return lower;
      return lower.replace(/(^|['-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
    })
    .join(' ');
}

export function normalizePhone(v: UnifiedValue, country: string | null): { value: UnifiedValue; issue?: RecordIssue } {
  const t = v?.trim();
  if (!t) return { value: null };
  const parsed = parsePhoneNumberFromString(t, (country ?? undefined) as CountryCode | undefined);
  if (!parsed || !parsed.isPossible()) return { value: t, issue: { field: 'phone', rule: 'FORMAT', message: `phone "${t}" is not a valid number${country ? ` for ${country}` : ''}` } };
  return { value: parsed.number };
}

export function normalizeContact(values: Partial<Record<ContactField, UnifiedValue>>): { values: Partial<Record<ContactField, UnifiedValue>>; issues: RecordIssue[] } {
  const out: Partial<Record<ContactField, UnifiedValue>> = { ...values };
  const issues: RecordIssue[] = [];
  if ('email' in out) out.email = normalizeEmail(out.email ?? null);
  if ('firstName' in out) out.firstName = normalizeName(out.firstName ?? null);
  if ('lastName' in out) out.lastName = normalizeName(out.lastName ?? null);
  for (const f of ['title', 'city', 'postalCode'] as const) if (f in out) out[f] = out[f]?.replace(/\s+/g, ' ').trim() || null;
  if ('linkedinUrl' in out) out.linkedinUrl = normalizeLinkedIn(out.linkedinUrl ?? null);
  if ('country' in out) out.country = normalizeCountry(out.country ?? null);
  if ('state' in out) out.state = normalizeState(out.state ?? null, out.country ?? null);
  if ('phone' in out) {
    const phone = normalizePhone(out.phone ?? null, out.country ?? null);
    out.phone = phone.value;
    if (phone.issue) issues.push(phone.issue);
  }
  return { values: out, issues };
}

const LEGAL_SUFFIXES = /\b(incorporated|inc|llc|l\.l\.c|ltd|limited|gmbh|ag|s\.?a|s\.?a\.?s|plc|corp|corporation|co|bv|b\.v|oy|ab|srl|spa|pty|kk)\.?$/i;

/** Company match key: lower case, no legal suffixes or punctuation ("Globex, Inc." → "globex"). */
export function companyKey(name: UnifiedValue): UnifiedValue {
  let t = name?.toLowerCase().trim();
  if (!t) return null;
  for (let i = 0; i < 3; i++) t = t.replace(/[\s,]+$/, '').replace(LEGAL_SUFFIXES, '').trim();
  t = t.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return t || null;
}

export function normalizeDomain(v: UnifiedValue): UnifiedValue {
  const t = v?.trim().toLowerCase();
  if (!t) return null;
  return t.replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '') || null;
}
