import { describe, expect, it } from 'vitest';
import { companyKey, normalizeContact, normalizeDomain, normalizeEmail, normalizeName } from '../../src/process/normalize/contact-normalizer';
import { normalizeCountry, normalizeState } from '../../src/process/normalize/geography';

describe('normalization', () => {
  it.each([
    ['  Ada.Lovelace@Example.COM ', 'ada.lovelace@example.com'],
    ['', null],
    [null, null],
  ])('email %j → %j', (input, out) => expect(normalizeEmail(input)).toBe(out));

  it.each([
    ['  ada   LOVELACE ', 'Ada Lovelace'],
    ['o\'neil', "O'Neil"],
    ['GUIDO VAN ROSSUM', 'Guido van Rossum'],
    ['McCarthy', 'McCarthy'],
  ])('name %j → %j', (input, out) => expect(normalizeName(input)).toBe(out));

  it.each([
    ['New York', 'US', 'US-NY'],
    ['N.Y.', 'US', 'US-NY'],
    ['ny', 'US', 'US-NY'],
    ['NY', 'US', 'US-NY'],
    ['US-NY', 'US', 'US-NY'],
    ['Bavaria', 'DE', 'DE-BY'],
    ['Bayern', 'DE', 'DE-BY'],
    ['Ontario', 'CA', 'CA-ON'],
    ['Atlantis', 'US', 'Atlantis'],
  ])('state %j in %s → %j', (state, country, out) => expect(normalizeState(state, country)).toBe(out));

  it.each([
    ['United States', 'US'],
    ['usa', 'US'],
    ['uk', 'GB'],
    ['de', 'DE'],
    ['Deutschland', 'DE'],
  ])('country %j → %j', (input, out) => expect(normalizeCountry(input)).toBe(out));

  it.each([
    ['Globex, Inc.', 'globex'],
    ['Initech LLC', 'initech'],
    ['Soylent GmbH', 'soylent'],
    ['Umbrella Ltd', 'umbrella'],
    ['Acme S.A.', 'acme'],
    ['  ACME corporation ', 'acme'],
  ])('company key %j → %j', (input, out) => expect(companyKey(input)).toBe(out));

  it('canonicalizes domains', () => expect(normalizeDomain('https://www.Acme.com/about')).toBe('acme.com'));

  it('formats phones to E.164 using the country, and reports unparseable ones', () => {
    expect(normalizeContact({ phone: '(518) 555-0142', country: 'US' }).values.phone).toBe('+15185550142');
    expect(normalizeContact({ phone: '+49 89 5550 1234', country: 'Germany' }).values.phone).toBe('+498955501234');
    const bad = normalizeContact({ phone: 'call me maybe', country: 'US' });
    expect(bad.issues).toEqual([expect.objectContaining({ field: 'phone', rule: 'FORMAT' })]);
  });
});
