/** FORMAT checks: each takes a normalized, non-empty value. */
import { validate as validatePostalCode } from 'postal-codes-js';
import { patternMatches } from './rule-pattern';
import type { FormatName } from './rule-types';

// Pragmatic address check: one @, a dotted domain, no spaces (RFC 5322 in full accepts far more than CRMs do).
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
// Normalization turns every parseable phone into E.164; what is left in another shape did not parse.
const E164 = /^\+[1-9]\d{6,14}$/;
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const LINKEDIN = /^https:\/\/www\.linkedin\.com\/(in|pub|company)\/[^/?#\s]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function postalCodeValid(code: string, country: string): boolean {
  // postal-codes-js answers true, or a message; countries without postal codes answer true.
  try {
    return validatePostalCode(country, code) === true;
  } catch {
    return true;
  }
}

export function formatValid(format: FormatName, value: string, opts: { country?: string | null; pattern?: string }): boolean {
  switch (format) {
    case 'email':
      return EMAIL.test(value);
    case 'phone':
      return E164.test(value);
    case 'domain':
      return DOMAIN.test(value);
    case 'linkedin':
      return LINKEDIN.test(value);
    case 'date':
      return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
    case 'postalCode':
      return opts.country && /^[A-Z]{2}$/.test(opts.country) ? postalCodeValid(value, opts.country) : true;
    case 'pattern':
      return opts.pattern ? (patternMatches(opts.pattern, value) ?? true) : true;
  }
}
