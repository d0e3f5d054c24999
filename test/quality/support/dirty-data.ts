/**
 * A seeded generator of dirty CRM data with known ground truth: distinct people spread over
 * Salesforce (Leads) and HubSpot (contacts), some entered twice — in the other CRM or the
 * same one — with differences in case, whitespace, phone format, state spelling and company
 * suffix, or sharing only a phone or a LinkedIn URL; plus invalid records, one set per rule.
 *
 * Every person carries an employee badge id in a custom field (Salesforce `Employee_Badge__c`,
 * HubSpot `employee_badge`, unified `custom.badge`); a person's duplicates carry the same
 * badge. The UNIQUE set is people whose badge another person already holds — no contact field
 * can serve there, since legitimate duplicates share every one of them.
 */
import { seededRandom } from '../../../src/system/demo-data/people';

export type Crm = 'SALESFORCE' | 'HUBSPOT';

export interface Planted {
  crm: Crm;
  /** The vendor object: a person (Salesforce Lead, HubSpot contact) unless said. */
  object?: 'Account' | 'companies';
  remoteId: string;
  /** Ground truth: which person this record is (valid records only). */
  person?: number;
  /** For invalid records: the `field:RULE` that must be reported. */
  expectIssue?: string;
  fields: Record<string, string>;
}

export interface Person {
  index: number;
  expectedState: string | null;
  expectedPhone: string;
}

interface Place {
  city: string;
  states: string[];
  stateCode: string | null;
  country: string[];
  postal: string;
  phones: Array<(n: string) => string>;
  e164: (n: string) => string;
}

const PLACES: Place[] = [
  { city: 'New York', states: ['New York', 'NY', 'N.Y.', 'ny', ' new york '], stateCode: 'US-NY', country: ['US', 'United States', 'USA'], postal: '10001', phones: [(n) => `+1 212 555 ${n}`, (n) => `(212) 555-${n}`, (n) => `212.555.${n}`, (n) => `+1212555${n}`], e164: (n) => `+1212555${n}` },
  { city: 'San Francisco', states: ['California', 'CA', 'Calif.', 'california'], stateCode: 'US-CA', country: ['US', 'U.S.A.'], postal: '94105', phones: [(n) => `+1 415-555-${n}`, (n) => `(415) 555 ${n}`, (n) => `415 555 ${n}`], e164: (n) => `+1415555${n}` },
  { city: 'Austin', states: ['Texas', 'TX', 'tx'], stateCode: 'US-TX', country: ['US', 'United States of America'], postal: '73301', phones: [(n) => `512.555.${n}`, (n) => `+1 (512) 555-${n}`], e164: (n) => `+1512555${n}` },
  { city: 'Munich', states: ['Bavaria', 'Bayern', 'BY'], stateCode: 'DE-BY', country: ['DE', 'Germany', 'Deutschland'], postal: '80331', phones: [(n) => `+49 89 5550 ${n}`, (n) => `089 5550 ${n}`, (n) => `+49 (0)89 5550${n}`], e164: (n) => `+49895550${n}` },
  { city: 'London', states: [''], stateCode: null, country: ['GB', 'United Kingdom', 'UK'], postal: 'SW1A 1AA', phones: [(n) => `+44 20 7946 ${n}`, (n) => `020 7946 ${n}`], e164: (n) => `+44207946${n}` },
  { city: 'Toronto', states: ['Ontario', 'ON', 'on'], stateCode: 'CA-ON', country: ['CA', 'Canada'], postal: 'M5H 2N2', phones: [(n) => `+1 416 555 ${n}`, (n) => `(416) 555-${n}`], e164: (n) => `+1416555${n}` },
];
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Barbara', 'Ken', 'Dennis', 'Radia', 'Tim', 'Frances', 'Donald', 'Edsger', 'Hedy', 'Katherine', 'John', 'Sophie', 'Yukihiro', 'Guido', 'Anders', 'Lucia', 'Mateo', 'Priya', 'Wei', 'Amara', 'Noah', 'Olivia', 'Liam', 'Emma', 'Chen'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Liskov', 'Thompson', 'Ritchie', 'Perlman', 'Berners-Lee', 'Allen', 'Knuth', 'Dijkstra', 'Lamarr', 'Johnson', 'McCarthy', 'Wilson', 'Matsumoto', 'van Rossum', 'Hejlsberg', 'Patel', 'Zhang', 'Okafor', 'Smith', 'Brown', 'Nguyen'];
const COMPANIES: Array<[string, string]> = [
  ['Acme', 'acme.com'], ['Globex', 'globex.com'], ['Initech', 'initech.com'], ['Umbrella', 'umbrella.co.uk'], ['Stark', 'stark.com'],
  ['Wayne', 'wayne.com'], ['Hooli', 'hooli.com'], ['Vandelay', 'vandelay.com'], ['Soylent', 'soylent.de'], ['Pied Piper', 'piedpiper.com'],
];
const SUFFIXES = ['', ' Inc.', ', Inc', ' LLC', ' Corp.', ' GmbH', ' Ltd', ' Incorporated'];

/** The badge custom field in each CRM, mapped to the unified key `custom.badge`. */
export const BADGE_FIELDS = {
  SALESFORCE: { object: 'Lead', remote: 'Employee_Badge__c', key: 'badge' },
  HUBSPOT: { object: 'contacts', remote: 'employee_badge', key: 'badge' },
} as const satisfies Record<Crm, { object: string; remote: string; key: string }>;
const badgeOf = (person: number) => `EB-${String(100000 + person)}`;

export const EXTRA_RULES = [
  { recordKind: 'CONTACT', field: 'title', rule: 'RANGE', params: { maxLength: 80 } },
  { recordKind: 'CONTACT', field: 'country', rule: 'PICKLIST', params: { values: ['US', 'DE', 'GB', 'CA'] } },
  { recordKind: 'CONTACT', field: 'custom.badge', rule: 'UNIQUE', params: {} },
];

/** `invalidPerRule`: invalid records planted per rule (12 by default: about 4.5 % of the records for 2,000 people). */
export function generateDirtyData(people: number, seed: number, invalidPerRule = 12): { records: Planted[]; persons: Person[] } {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const records: Planted[] = [];
  const persons: Person[] = [];
  /** People whose first record is in Salesforce: BULK reads Salesforce first, so their badge is stored before HubSpot is read. */
  const salesforceHomes: number[] = [];
  let sfSeq = 0;
  let hsSeq = 0;
  const sfId = () => {
    const id15 = `00Q5g0${String(++sfSeq).padStart(9, '0')}`;
    return `${id15}AAA`;
  };
  const hsId = () => String(7_000_000 + ++hsSeq);
  const mess = (s: string) => (rnd() < 0.5 ? `  ${s.toUpperCase()} ` : ` ${s.toLowerCase()}`);

  // Planted rows bypass the emulator's validation, so they carry what Salesforce itself would (a Lead's required Status).
  const plant = (crm: Crm, v: Record<string, string>, person?: number, expectIssue?: string) => {
    const remoteId = crm === 'SALESFORCE' ? sfId() : hsId();
    const fields: Record<string, string> =
      crm === 'SALESFORCE'
        ? { Id: remoteId, FirstName: v.firstName!, LastName: v.lastName!, Email: v.email!, Phone: v.phone!, Title: v.title!, City: v.city!, State: v.state!, Country: v.country!, PostalCode: v.postalCode!, Company: v.company!, Status: 'Open - Not Contacted', [BADGE_FIELDS.SALESFORCE.remote]: v.badge ?? '' }
        : { firstname: v.firstName!, lastname: v.lastName!, email: v.email!, phone: v.phone!, jobtitle: v.title!, city: v.city!, state: v.state!, country: v.country!, zip: v.postalCode!, company: v.company!, hs_linkedin_url: v.linkedin ?? '', lifecyclestage: 'lead', [BADGE_FIELDS.HUBSPOT.remote]: v.badge ?? '' };
    records.push({ crm, remoteId, person, expectIssue, fields });
  };

  for (let i = 0; i < people; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [company, domain] = pick(COMPANIES);
    const place = pick(PLACES);
    const line = String(1000 + i);
    const email = `${first}.${last}.${i}@${domain}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
    const base = {
      firstName: first, lastName: last, email, phone: pick(place.phones)(line), title: 'Buyer', city: place.city, state: pick(place.states),
      country: pick(place.country), postalCode: place.postal, company: company + pick(SUFFIXES), linkedin: `https://www.linkedin.com/in/${first}-${last}-${i}`.toLowerCase().replace(/\s/g, ''),
      badge: badgeOf(i),
    };
    persons.push({ index: i, expectedState: place.stateCode, expectedPhone: place.e164(line) });
    const home: Crm = rnd() < 0.5 ? 'SALESFORCE' : 'HUBSPOT';
    if (home === 'SALESFORCE') salesforceHomes.push(i);
    plant(home, base, i);
    const roll = rnd();
    const other: Crm = home === 'SALESFORCE' ? 'HUBSPOT' : 'SALESFORCE';
    const variant = { ...base, firstName: mess(first), lastName: mess(last), phone: pick(place.phones)(line), state: pick(place.states), company: company + pick(SUFFIXES), country: pick(place.country) };
    if (roll < 0.15) plant(other, { ...variant, email: rnd() < 0.5 ? `  ${email.toUpperCase()}` : `${email} ` }, i);
    else if (roll < 0.22) plant(home, { ...variant, email: email.replace(/^./, (c) => c.toUpperCase()) }, i);
    // Same phone (other format), another address: matched on the E.164 key.
    else if (roll < 0.27) plant(other, { ...variant, email: `${last.toLowerCase().replace(/[^a-z]/g, '')}.${i}@alt-${domain}` }, i);
    // Same LinkedIn profile pasted differently, another address and phone: HubSpot carries LinkedIn.
    else if (roll < 0.31 && home === 'HUBSPOT')
      plant('HUBSPOT', { ...variant, email: `in.${i}@alt-${domain}`, phone: '', linkedin: `http://de.linkedin.com/in/${first}-${last}-${i}/?trk=x`.replace(/\s/g, '') }, i);
  }

  // Invalid records: one set per rule type, each a distinct person nobody else matches.
  const invalid: Array<[string, (n: number) => Record<string, string>]> = [
    ['email:REQUIRED', () => ({ email: '' })],
    ['email:FORMAT', (n) => ({ email: `broken.${n}(at)acme.com` })],
    ['lastName:REQUIRED', () => ({ lastName: '' })],
    ['phone:FORMAT', () => ({ phone: 'call me maybe' })],
    ['postalCode:FORMAT', () => ({ postalCode: 'ABCDE', country: 'US', state: 'NY' })],
    ['state:CONSISTENCY', () => ({ state: 'Bavaria', country: 'US', postalCode: '10001' })],
    ['email:BUSINESS_EMAIL', (n) => ({ email: `someone.${n}@gmail.com` })],
    ['title:RANGE', () => ({ title: 'Chief '.repeat(20) })],
    ['country:PICKLIST', () => ({ country: 'FR', state: '', postalCode: '75001', phone: '+33 1 42 68 53 00' })],
  ];
  // A badge another person holds: planted in HubSpot, read after the holder's Salesforce record is stored.
  const taken = () => badgeOf(salesforceHomes[Math.floor(rnd() * salesforceHomes.length)]!);
  invalid.push(['custom.badge:UNIQUE', () => ({ badge: taken() })]);
  let n = 0;
  for (const [issue, override] of invalid)
    for (let k = 0; k < invalidPerRule; k++) {
      n++;
      const crm: Crm = issue === 'custom.badge:UNIQUE' || k % 2 === 0 ? 'HUBSPOT' : 'SALESFORCE';
      const line = String(5000 + n);
      plant(crm, { firstName: 'Bad', lastName: `Record${n}`, email: `bad.${n}@initech.com`, phone: `+1 212 555 ${line}`, title: 'Tester', city: 'New York', state: 'NY', country: 'US', postalCode: '10001', company: 'Initech', linkedin: '', badge: `EB-9${String(n).padStart(5, '0')}`, ...override(n) }, undefined, issue);
    }
  return { records, persons };
}

/** Company records for both CRMs (Salesforce Accounts, HubSpot companies): valid ones, and one per COMPANY rule in each. */
export function dirtyCompanies(): Planted[] {
  const valid: Array<[string, string, string]> = [
    ['Northwind Traders', 'northwind.com', 'US'],
    ['Contoso', 'contoso.com', 'US'],
    ['Fabrikam', 'fabrikam.de', 'DE'],
    ['Tailspin Toys', 'tailspintoys.co.uk', 'GB'],
    ['Wingtip', 'wingtip.ca', 'CA'],
    ['Litware', 'litware.com', 'US'],
  ];
  const invalid: Array<[string, [string, string, string]]> = [
    ['name:REQUIRED', ['', 'nameless.com', 'US']],
    ['domain:FORMAT', ['Broken Web', 'intranet portal', 'US']],
  ];
  const out: Planted[] = [];
  for (const crm of ['SALESFORCE', 'HUBSPOT'] as const) {
    const id = (n: number) => (crm === 'SALESFORCE' ? `0015g0${String(n).padStart(9, '0')}AAA` : String(6_000_000 + n));
    const plant = ([name, domain, country]: [string, string, string], n: number, expectIssue?: string): Planted => ({
      crm,
      object: crm === 'SALESFORCE' ? 'Account' : 'companies',
      remoteId: id(n),
      expectIssue,
      fields: crm === 'SALESFORCE' ? { Id: id(n), Name: name, Website: domain, BillingCountry: country } : { name, domain, country },
    });
    // Valid and invalid interleaved, so whichever come first hold both.
    out.push(plant(valid[0]!, 1), plant(invalid[0]![1], 2, invalid[0]![0]), plant(valid[1]!, 3), plant(valid[2]!, 4));
    out.push(plant(valid[3]!, 5), plant(invalid[1]![1], 6, invalid[1]![0]), plant(valid[4]!, 7), plant(valid[5]!, 8));
  }
  return out;
}
