/**
 * Deterministic demo people for seeding emulators: realistic names, companies and
 * contact details, with a share of people present in more than one CRM (as happens
 * when sales and marketing each keep their own copy).
 */
export interface DemoPerson {
  key: number;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  title: string;
  company: string;
  companyDomain: string;
  city: string;
  state: string;
  country: string;
  postalCode: string;
  /** Leads are prospects; the rest are customers' contacts. */
  isLead: boolean;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Barbara', 'Ken', 'Dennis', 'Radia', 'Tim', 'Frances', 'Donald', 'Edsger', 'Hedy', 'Katherine', 'John', 'Sophie', 'Yukihiro', 'Guido', 'Anders', 'Lucia', 'Mateo', 'Priya', 'Wei', 'Amara', 'Noah', 'Olivia', 'Liam', 'Emma', 'Chen'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Liskov', 'Thompson', 'Ritchie', 'Perlman', 'Berners-Lee', 'Allen', 'Knuth', 'Dijkstra', 'Lamarr', 'Johnson', 'McCarthy', 'Wilson', 'Matsumoto', 'van Rossum', 'Hejlsberg', 'García', 'Fernández', 'Patel', 'Zhang', 'Okafor', 'Smith', 'Brown', 'Müller', "O'Neil", 'Nguyen'];
const COMPANIES: Array<[string, string]> = [
  ['Acme Corporation', 'acme.com'],
  ['Globex Inc.', 'globex.com'],
  ['Initech LLC', 'initech.com'],
  ['Umbrella Ltd', 'umbrella.co.uk'],
  ['Stark Industries', 'stark.com'],
  ['Wayne Enterprises', 'wayne.com'],
  ['Hooli', 'hooli.com'],
  ['Pied Piper', 'piedpiper.com'],
  ['Vandelay Industries', 'vandelay.com'],
  ['Soylent GmbH', 'soylent.de'],
];
const TITLES = ['VP Sales', 'Head of Marketing', 'CTO', 'Engineering Manager', 'RevOps Lead', 'Account Executive', 'CFO', 'Procurement Manager'];
const PLACES: Array<[string, string, string, string, string]> = [
  // city, state as written by people, country, postal code, phone prefix
  ['New York', 'New York', 'US', '10001', '+1 212 555 '],
  ['Albany', 'NY', 'US', '12207', '(518) 555-'],
  ['San Francisco', 'California', 'US', '94105', '+1 415-555-'],
  ['Austin', 'TX', 'US', '73301', '512.555.'],
  ['Munich', 'Bavaria', 'DE', '80331', '+49 89 5550 '],
  ['London', '', 'GB', 'SW1A 1AA', '+44 20 7946 '],
  ['Toronto', 'Ontario', 'CA', 'M5H 2N2', '+1 416 555 '],
];

/**
 * Past the first 10,000 people (benchmark and scale runs), names and employers widen with the
 * count, as a real customer base does: 30 × 30 names at 10 employers would make every name at
 * an employer shared by ~110 people at a million — all perfect fuzzy duplicates of each other.
 * Derived from the key, not drawn, so the people below it (every test's) stay exactly as they were.
 */
const VARIETY_FROM = 10_000;
const BRANDS = ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Litware', 'Proseware', 'Adatum', 'Coho', 'Lucerne', 'Woodgrove', 'Southridge', 'Humongous', 'Trey', 'Alpine', 'Blue Yonder', 'Fourth Coffee', 'Wide World', 'Margie', 'Relecloud'];
const SECTORS: Array<[string, string]> = [
  ['Robotics Inc.', 'robotics'],
  ['Logistics LLC', 'logistics'],
  ['Health GmbH', 'health'],
  ['Energy Ltd', 'energy'],
  ['Foods S.A.', 'foods'],
  ['Software', 'software'],
  ['Capital Partners', 'capital'],
  ['Aerospace', 'aero'],
  ['Retail Group', 'retail'],
  ['Media Co.', 'media'],
];

/** A well-mixed 32-bit hash of a key (the finalizer of murmur3), for key-derived choices. */
function mix(key: number): number {
  let h = key >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Surname and employer for a key past VARIETY_FROM: double-barrelled names, 200 employers. */
function widened(key: number, lastName: string): { lastName: string; company: string; domain: string } {
  const h = mix(key);
  const second = LAST[h % LAST.length]!;
  const brand = BRANDS[(h >>> 8) % BRANDS.length]!;
  const [sector, slug] = SECTORS[(h >>> 16) % SECTORS.length]!;
  return {
    lastName: second === lastName ? lastName : `${lastName}-${second}`,
    company: `${brand} ${sector}`,
    domain: `${brand.toLowerCase().replace(/\s+/g, '')}-${slug}.com`,
  };
}

/** A small, fast, seedable PRNG (mulberry32) so demo data is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A phone number of its own for every key: 9,000 line numbers per exchange, and every further
 * 9,000 people move to the next exchange (the last digit group of the place's prefix), so a
 * million people never share a number — an exact phone match is one person to Junction.
 */
function demoPhone(prefix: string, key: number): string {
  const line = String(1000 + ((key * 7919) % 9000)).padStart(4, '0');
  const block = Math.floor(key / 9000);
  if (!block) return `${prefix}${line}`;
  return `${prefix.replace(/(\d+)(\D*)$/, (_, digits: string, tail: string) => `${Number(digits) + block}${tail}`)}${line}`;
}

export function demoPeople(count: number, seed = 42, offset = 0): DemoPerson[] {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const people: DemoPerson[] = [];
  for (let i = 0; i < count; i++) {
    const key = offset + i;
    const firstName = pick(FIRST);
    let lastName = pick(LAST);
    let [company, domain] = pick(COMPANIES);
    if (key >= VARIETY_FROM) ({ lastName, company, domain } = widened(key, lastName));
    const [city, state, country, postalCode, phonePrefix] = pick(PLACES);
    const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
    people.push({
      key,
      firstName,
      lastName,
      email: `${local}.${key}@${domain}`,
      phone: demoPhone(phonePrefix, key),
      title: pick(TITLES),
      company,
      companyDomain: domain,
      city,
      state,
      country,
      postalCode,
      isLead: rnd() < 0.4,
    });
  }
  return people;
}

/**
 * Splits people across CRMs: each CRM gets its own share, and `overlap` of them are
 * also given to every other CRM, so the same person exists in several systems.
 */
export function seedPlan(perCrm: number, crms: number, overlap = 0.25, seed = 42): DemoPerson[][] {
  const shared = Math.floor(perCrm * overlap);
  const own = perCrm - shared;
  const common = demoPeople(shared, seed, 0);
  return Array.from({ length: crms }, (_, c) => [...common, ...demoPeople(own, seed + c + 1, shared + c * own)]);
}
