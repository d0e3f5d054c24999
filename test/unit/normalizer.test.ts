import countries from 'i18n-iso-countries';
import { getStatesOfCountry } from 'country-state-city/lib/cjs/state';
import { describe, expect, it } from 'vitest';
import { companyKey, normalizeCompanyName, normalizeContact, normalizeDomain, normalizeEmail, normalizeName, normalizeRecord } from '../../src/process/normalize/contact-normalizer';
import { countryName, normalizeCountry, normalizeState, subdivisionCode, subdivisionName } from '../../src/process/normalize/geography';

describe('normalization', () => {
  it.each([
    ['  Ada.Lovelace@Example.COM ', 'ada.lovelace@example.com'],
    ['', null],
    [null, null],
  ])('email %j → %j', (input, out) => expect(normalizeEmail(input)).toBe(out));

  // Re-cased only when typed entirely in upper or lower case; any other casing is the person's own.
  it.each([
    ['  ada   lovelace ', 'Ada Lovelace'],
    ['LOVELACE', 'Lovelace'],
    ['o\'neil', "O'Neil"],
    ['jean-luc', 'Jean-Luc'],
    ['GUIDO VAN ROSSUM', 'Guido van Rossum'],
    ['McCarthy', 'McCarthy'],
    ['McDonald', 'McDonald'],
    ['DeVito', 'DeVito'],
    ['van der Berg', 'van der Berg'],
    ['  ada   LOVELACE ', 'ada LOVELACE'],
    ['   ', null],
  ])('name %j → %j', (input, out) => expect(normalizeName(input)).toBe(out));

  it.each([
    ['IBM', 'IBM'],
    ['KPMG LLP', 'KPMG LLP'],
    ['SAP SE', 'SAP SE'],
    ['  deVere   Group ', 'deVere Group'],
    ['acme corp', 'acme corp'],
  ])('company name %j keeps its case: %j', (input, out) => expect(normalizeCompanyName(input)).toBe(out));

  it('normalizes a company record: name as entered, canonical domain, ISO country', () => {
    const { record } = normalizeRecord({ kind: 'COMPANY', values: { name: ' KPMG  LLP ', domain: 'https://www.KPMG.com/', country: 'United Kingdom' }, custom: {} });
    expect(record.values).toEqual({ name: 'KPMG LLP', domain: 'kpmg.com', country: 'GB' });
    expect(companyKey('KPMG LLP')).toBe(companyKey('Kpmg llp'));
  });

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
    ['KPMG LLP', 'kpmg'],
    ['SAP SE', 'sap'],
    ['Philips N.V.', 'philips'],
  ])('company key %j → %j', (input, out) => expect(companyKey(input)).toBe(out));

  it.each([
    ['US', 'United States'],
    ['GB', 'United Kingdom'],
    ['DE', 'Germany'],
    ['TW', 'Taiwan'],
    ['Atlantis', 'Atlantis'],
    [null, null],
  ])('country %j is written as %j', (code, name) => expect(countryName(code)).toBe(name));

  it.each([
    ['US-NY', 'New York', 'NY'],
    ['DE-BY', 'Bavaria', 'BY'],
    ['CA-ON', 'Ontario', 'ON'],
    ['MX-CDMX', 'Ciudad de México', 'CDMX'],
    ['US-ZZ', 'US-ZZ', 'US-ZZ'],
    ['Atlantis', 'Atlantis', 'Atlantis'],
  ])('subdivision %j is written as %j, or %j in a picklist', (iso, name, code) => {
    expect(subdivisionName(iso)).toBe(name);
    expect(subdivisionCode(iso)).toBe(code);
  });

  it('reads back every country name and subdivision name it writes', () => {
    for (const code of Object.keys(countries.getAlpha2Codes())) {
      expect(normalizeCountry(countryName(code)), code).toBe(code);
      for (const s of getStatesOfCountry(code)) {
        const iso = normalizeState(s.name, code)!;
        expect(iso.startsWith(`${code}-`), `${code} ${s.name}`).toBe(true);
        expect(normalizeState(subdivisionName(iso), code), iso).toBe(iso);
        expect(normalizeState(subdivisionCode(iso), code), iso).toBe(iso);
      }
    }
  });

  it('canonicalizes domains', () => expect(normalizeDomain('https://www.Acme.com/about')).toBe('acme.com'));

  it('formats phones to E.164 using the country, and reports unparseable ones', () => {
    expect(normalizeContact({ phone: '(518) 555-0142', country: 'US' }).values.phone).toBe('+15185550142');
    expect(normalizeContact({ phone: '+49 89 5550 1234', country: 'Germany' }).values.phone).toBe('+498955501234');
    const bad = normalizeContact({ phone: 'call me maybe', country: 'US' });
    expect(bad.issues).toEqual([expect.objectContaining({ field: 'phone', rule: 'FORMAT' })]);
  });
});
