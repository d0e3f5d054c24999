/**
 * Normalization of inbound values so that two CRMs' spellings of one fact compare equal:
 * trimmed, lower-cased emails; E.164 phones (libphonenumber-js, using the record's country);
 * ISO 3166 country and subdivision codes; names re-cased only when typed all upper or all lower.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { ContactField, MappedRecord, RecordIssue, UnifiedValue } from '../model';
import { normalizeCountry, normalizeState } from './geography';
import { normalizeLinkedIn } from './linkedin';

export function normalizeEmail(v: UnifiedValue): UnifiedValue {
  const t = v?.trim().toLowerCase();
  return t ? t : null;
}

/**
 * A person's name as entered, whitespace tidied. Only a name typed entirely in upper or lower
 * case ("ADA LOVELACE", "o'neil") is re-cased, word by word ("Ada Lovelace", "O'Neil"; particles
 * stay lower: "Guido van Rossum"); any other casing is the person's own ("McDonald", "DeVito",
 * "van der Berg") and is kept, because no rule can rebuild it.
 */
const PARTICLES = new Set(['van', 'von', 'de', 'da', 'del', 'der', 'di', 'la', 'le']);

export function normalizeName(v: UnifiedValue): UnifiedValue {
  const t = tidy(v);
  if (!t) return null;
  if (t !== t.toLowerCase() && t !== t.toUpperCase()) return t;
  return t
    .split(' ')
    .map((word, i) => {
      const lower = word.toLowerCase();
      if (i > 0 && PARTICLES.has(lower)) return lower;
      return lower.replace(/(^|['-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
    })
    .join(' ');
}

/**
 * A company's name exactly as entered, whitespace tidied: "IBM", "KPMG LLP", "SAP SE" and
 * "deVere Group" are their owners' spellings, and the CRMs get them back unchanged. Matching
 * never depends on it: companies are matched by `companyKey` (case and legal suffix removed).
 */
export function normalizeCompanyName(v: UnifiedValue): UnifiedValue {
  return tidy(v);
}

/** Runs of whitespace become one space; blank becomes null. */
function tidy(v: UnifiedValue): UnifiedValue {
  const t = v?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
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
  for (const f of ['title', 'city', 'postalCode'] as const) if (f in out) out[f] = tidy(out[f] ?? null);
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

/** A mapped record in the store's terms: contacts as above, companies with their name tidied and their domain canonical. */
export function normalizeRecord(record: MappedRecord): { record: MappedRecord; issues: RecordIssue[] } {
  if (record.kind === 'CONTACT') {
    const { values, issues } = normalizeContact(record.values);
    return { record: { ...record, values }, issues };
  }
  const v = record.values;
  const values = { ...v };
  if ('name' in v) values.name = normalizeCompanyName(v.name ?? null);
  if ('domain' in v) values.domain = normalizeDomain(v.domain ?? null);
  if ('country' in v) values.country = normalizeCountry(v.country ?? null);
  return { record: { ...record, values }, issues: [] };
}

const LEGAL_SUFFIXES = /\b(incorporated|inc|llc|l\.l\.c|llp|lp|ltd|limited|gmbh|ag|se|s\.?a|s\.?a\.?s|plc|corp|corporation|co|bv|b\.v|nv|n\.v|oy|ab|srl|spa|pty|kk)\.?$/i;

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
