import { describe, expect, it } from 'vitest';
import { companyKey, normalizeContact } from '../../src/process/normalize/contact-normalizer';
import { normalizeCountry, normalizeState } from '../../src/process/normalize/geography';
import { normalizeLinkedIn } from '../../src/process/normalize/linkedin';

describe('normalization from maintained datasets', () => {
  it.each([
    ['United States', 'US'], ['U.S.A.', 'US'], ['usa', 'US'], ['Vereinigte Staaten', 'US'], ['États-Unis', 'US'],
    ['Deutschland', 'DE'], ['Allemagne', 'DE'], ['Alemania', 'DE'], ['Germania', 'DE'], ['DEU', 'DE'], ['de', 'DE'],
    ['UK', 'GB'], ['England', 'GB'], ['United Kingdom', 'GB'], ['Royaume-Uni', 'GB'], ['Canada', 'CA'], ['Japan', 'JP'],
    ['Holland', 'NL'], ['Nederland', 'NL'], ['Brasil', 'BR'], ['México', 'MX'], ['Narnia', 'Narnia'],
  ])('country %j → %j', (input, out) => expect(normalizeCountry(input)).toBe(out));

  it.each([
    ['New York', 'US', 'US-NY'], ['N.Y.', 'US', 'US-NY'], ['ny', 'US', 'US-NY'], ['NY', 'US', 'US-NY'], ['us-ny', 'US', 'US-NY'],
    ['california', 'US', 'US-CA'], ['Calif.', 'US', 'US-CA'], ['Texas', 'US', 'US-TX'], ['Washington DC', 'US', 'US-DC'],
    ['Bavaria', 'DE', 'DE-BY'], ['Bayern', 'DE', 'DE-BY'], ['NRW', 'DE', 'DE-NW'], ['Nordrhein-Westfalen', 'DE', 'DE-NW'],
    ['Ontario', 'CA', 'CA-ON'], ['Québec', 'CA', 'CA-QC'], ['Quebec', 'CA', 'CA-QC'], ['New South Wales', 'AU', 'AU-NSW'],
    ['Île-de-France', 'FR', 'FR-IDF'], ['Cataluña', 'ES', 'ES-CT'], ['Atlantis', 'US', 'Atlantis'],
  ])('state %j in %s → %j', (state, country, out) => expect(normalizeState(state, country)).toBe(out));

  it('normalizes a contact end to end: country name first, then the state and phone with it', () => {
    const { values } = normalizeContact({ email: ' Ada@ACME.com ', firstName: ' ada ', lastName: 'LOVELACE', phone: '(212) 555-0142', state: 'N.Y.', country: 'United States', linkedinUrl: 'http://linkedin.com/in/Ada-Lovelace/?trk=x' });
    expect(values).toMatchObject({ email: 'ada@acme.com', firstName: 'Ada', lastName: 'Lovelace', phone: '+12125550142', state: 'US-NY', country: 'US', linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace' });
  });

  it.each([
    ['https://www.linkedin.com/in/ada-lovelace/', 'https://www.linkedin.com/in/ada-lovelace'],
    ['linkedin.com/in/Ada-Lovelace', 'https://www.linkedin.com/in/ada-lovelace'],
    ['http://de.linkedin.com/in/ada-lovelace?originalSubdomain=de', 'https://www.linkedin.com/in/ada-lovelace'],
    ['  https://WWW.LinkedIn.com/in/ada-lovelace#about ', 'https://www.linkedin.com/in/ada-lovelace'],
    ['https://example.com/ada', 'https://example.com/ada'],
  ])('LinkedIn %j → %j', (input, out) => expect(normalizeLinkedIn(input)).toBe(out));

  it.each([
    ['Globex, Inc.', 'globex'], ['Globex Incorporated', 'globex'], ['GLOBEX INC', 'globex'], ['Initech, L.L.C.', 'initech'],
    ['Soylent GmbH', 'soylent'], ['Acme S.A.', 'acme'], ['Acme Corp.', 'acme'], ['Umbrella Limited', 'umbrella'], ['Pied Piper', 'pied piper'],
  ])('company key %j → %j', (input, out) => expect(companyKey(input)).toBe(out));
});
