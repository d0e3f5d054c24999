/**
 * Country and subdivision codes from maintained datasets: country names in any of the
 * languages i18n-iso-countries ships → ISO 3166-1 alpha-2; subdivision names and codes from
 * country-state-city → ISO 3166-2 ("New York", "N.Y.", "ny" → US-NY). Spellings the datasets
 * lack live in subdivision-aliases.ts. Unknown values pass through trimmed, never guessed.
 */
import countries from 'i18n-iso-countries';
// The states module alone: the package's index also loads every city in the world, ~57 MB of
// RSS in every process for data Junction never reads.
import { getStatesOfCountry } from 'country-state-city/lib/cjs/state';
import type { UnifiedValue } from '../model';
import { COUNTRY_ALIASES, SUBDIVISION_ALIASES } from './subdivision-aliases';

// Languages tried in order for a country name; the package bundles them all.
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'pl', 'ja', 'zh'];

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[.\s]+/g, ' ').trim();

export function normalizeCountry(v: UnifiedValue): UnifiedValue {
  const t = v?.trim();
  if (!t) return null;
  const alias = COUNTRY_ALIASES[fold(t)];
  if (alias) return alias;
  if (/^[a-z]{2}$/i.test(t)) return countries.isValid(t.toUpperCase()) ? t.toUpperCase() : t;
  if (/^[a-z]{3}$/i.test(t) && countries.alpha3ToAlpha2(t.toUpperCase())) return countries.alpha3ToAlpha2(t.toUpperCase()) ?? t;
  return countryIndex().get(fold(t)) ?? t;
}

let index: Map<string, string> | undefined;

/** Every name (official and common) in every listed language, folded: built once. */
function countryIndex(): Map<string, string> {
  if (index) return index;
  index = new Map();
  for (const lang of LANGUAGES)
    for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' })))
      for (const name of names) if (!index.has(fold(name))) index.set(fold(name), code);
  return index;
}

interface SubdivisionTable {
  codes: Set<string>;
  byName: Map<string, string>;
  /** Code → the dataset's name, for writing. */
  names: Map<string, string>;
}
const tables = new Map<string, SubdivisionTable | null>();

function tableFor(country: string): SubdivisionTable | null {
  if (tables.has(country)) return tables.get(country)!;
  const states = getStatesOfCountry(country);
  let table: SubdivisionTable | null = null;
  if (states.length) {
    table = { codes: new Set(states.map((s) => s.isoCode.toUpperCase())), byName: new Map(), names: new Map(states.map((s) => [s.isoCode.toUpperCase(), s.name])) };
    for (const s of states) {
      table.byName.set(fold(s.name), s.isoCode.toUpperCase());
      // "Bayern Region", "Île-de-France" and friends: also without hyphens.
      table.byName.set(fold(s.name.replace(/-/g, ' ')), s.isoCode.toUpperCase());
    }
    for (const [alias, code] of Object.entries(SUBDIVISION_ALIASES[country] ?? {})) table.byName.set(fold(alias), code);
  }
  tables.set(country, table);
  return table;
}

/** "New York", "N.Y.", "ny", "NY", "US-NY" with country US → "US-NY". */
export function normalizeState(v: UnifiedValue, country: UnifiedValue): UnifiedValue {
  const t = v?.trim();
  if (!t) return null;
  if (!country || !/^[A-Z]{2}$/.test(country)) return t;
  const table = tableFor(country);
  if (!table) return t;
  // Codes are mostly 1–3 characters; a few are longer ("CDMX", "UM-81"), as a state picklist lists them.
  const prefixed = new RegExp(`^${country}-([A-Z0-9-]{1,6})$`, 'i').exec(t);
  const compact = (prefixed?.[1] ?? t).replace(/[.\s]/g, '').toUpperCase();
  if (compact.length <= 6 && table.codes.has(compact)) return `${country}-${compact}`;
  const byName = table.byName.get(fold(t));
  return byName ? `${country}-${byName}` : t;
}

/** Whether an ISO 3166-2 code (as normalizeState returns it) belongs to the country. */
export function stateBelongsTo(state: string, country: string): boolean {
  const m = /^([A-Z]{2})-([A-Z0-9-]{1,6})$/.exec(state);
  if (!m || m[1] !== country) return false;
  const table = tableFor(country);
  return !!table && table.codes.has(m[2]!);
}

/*
 * The way back, for writing into a CRM: the store keeps ISO codes, a person reads names.
 *
 * Country names are the English names i18n-iso-countries lists first (the ISO 3166 short
 * names: "United Kingdom", "Germany", "Czech Republic"), except where that is a long formal
 * name nobody types into an address: there the everyday short name, as Salesforce's default
 * integration values have it ("United States", not "United States of America"). Every name
 * written reads back to its code (normalizeCountry), so a CRM's copy compares equal.
 */
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  CN: 'China',
  IR: 'Iran',
  GM: 'Gambia',
  MK: 'North Macedonia',
  PS: 'Palestine',
  TW: 'Taiwan',
  TZ: 'Tanzania',
};

/** "US" → "United States", "DE" → "Germany"; a value that is not an ISO 3166-1 alpha-2 code is returned as it is. */
export function countryName(v: UnifiedValue): UnifiedValue {
  if (!v || !/^[A-Z]{2}$/.test(v) || !countries.isValid(v)) return v;
  return COUNTRY_NAMES[v] ?? countries.getName(v, 'en') ?? v;
}

/** A subdivision code as normalizeState writes it: country, dash, the dataset's code (a few have a dash of their own: "US-UM-81"). */
function splitSubdivision(v: UnifiedValue): { country: string; code: string; name: string } | undefined {
  const m = v ? /^([A-Z]{2})-([A-Z0-9-]{1,6})$/.exec(v) : null;
  const name = m ? tableFor(m[1]!)?.names.get(m[2]!) : undefined;
  return name ? { country: m![1]!, code: m![2]!, name } : undefined;
}

/** "US-NY" → "New York" (country-state-city's name, which normalizeState reads back); anything else is returned as it is. */
export function subdivisionName(v: UnifiedValue): UnifiedValue {
  return splitSubdivision(v)?.name ?? v;
}

/** "US-NY" → "NY": the code a state picklist lists under its country; anything else is returned as it is. */
export function subdivisionCode(v: UnifiedValue): UnifiedValue {
  return splitSubdivision(v)?.code ?? v;
}
