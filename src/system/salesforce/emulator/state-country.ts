/**
 * State and country picklists, an org setting (crm-wire.md §6.1 item 5). When they are on,
 * every address has `…CountryCode` and `…StateCode` picklists beside its text fields: ISO
 * 3166-1 alpha-2 country codes, and per country the subdivision codes without the country
 * prefix (`NY`, never `US-NY`). The text fields then hold the integration values (the names).
 *
 * Writes are kept in step as Salesforce keeps them: a valid code fills the text field, a
 * valid name fills the code; on create a code wins over a text that disagrees, on update the
 * disagreement is refused; a name or code the org does not list, or a state without a country,
 * is refused with FIELD_INTEGRITY_EXCEPTION (400-class, per record) and Salesforce's messages.
 *
 * The lists: every ISO country (English names from i18n-iso-countries, "United States" as
 * Salesforce's default integration value has it), and the subdivisions country-state-city
 * knows for every country — an org whose admin enabled them all (a new org enables states for
 * a handful of countries only).
 */
import countries from 'i18n-iso-countries';
// The states module alone: the package's index also loads every city in the world.
import { getStatesOfCountry } from 'country-state-city/lib/cjs/state';
import { sfError, type SfError } from './errors';
import type { FieldDef, ObjectName } from './schema';
import type { FieldValue } from './values';

type Values = Record<string, FieldValue>;

/** The addresses of each object, by field-name prefix (`MailingCountryCode`, `CountryCode` on a Lead). */
export const ADDRESS_PREFIXES: Record<ObjectName, string[]> = { Lead: [''], Contact: ['Mailing', 'Other'], Account: ['Billing', 'Shipping'] };

const NAME_OVERRIDES: Record<string, string> = { US: 'United States', CN: 'China', TW: 'Taiwan' };

const COUNTRY_PROBLEM =
  "There's a problem with this country, even though it may appear correct. Please select a country/territory from the list of valid countries.";
const STATE_PROBLEM = "There's a problem with this state, even though it may appear correct. Please select a state from the list of valid states.";

interface Country {
  code: string;
  name: string;
  /** Subdivision code (no prefix) → integration value. */
  states: Map<string, string>;
  statesByName: Map<string, string>;
}

export interface PicklistEntry {
  active: boolean;
  defaultValue: boolean;
  label: string;
  value: string;
  validFor: string | null;
}

class Catalogue {
  readonly countries = new Map<string, Country>();
  private countriesByName = new Map<string, string>();
  /** Subdivision codes that some country lists (to tell "wrong country" from "no such state"). */
  private anyState = new Set<string>();
  readonly countryEntries: PicklistEntry[] = [];
  readonly stateEntries: PicklistEntry[] = [];

  constructor() {
    const codes = Object.keys(countries.getAlpha2Codes()).sort();
    codes.forEach((code, index) => {
      const name = NAME_OVERRIDES[code] ?? countries.getName(code, 'en') ?? code;
      const country: Country = { code, name, states: new Map(), statesByName: new Map() };
      for (const s of getStatesOfCountry(code)) {
        const stateCode = s.isoCode.toUpperCase();
        country.states.set(stateCode, s.name);
        if (!country.statesByName.has(s.name.toLowerCase())) country.statesByName.set(s.name.toLowerCase(), stateCode);
        this.anyState.add(stateCode);
        this.stateEntries.push({ active: true, defaultValue: false, label: s.name, value: stateCode, validFor: validFor(index, codes.length) });
      }
      this.countries.set(code, country);
      this.countriesByName.set(name.toLowerCase(), code);
      this.countryEntries.push({ active: true, defaultValue: false, label: name, value: code, validFor: null });
    });
  }

  countryByName(name: string): string | undefined {
    return this.countriesByName.get(name.trim().toLowerCase());
  }

  stateByName(country: string, name: string): string | undefined {
    return this.countries.get(country)?.statesByName.get(name.trim().toLowerCase());
  }

  stateName(country: string, code: string): string | undefined {
    return this.countries.get(country)?.states.get(code);
  }

  isStateAnywhere(code: string): boolean {
    return this.anyState.has(code);
  }
}

/** A dependent picklist's `validFor`: base64 of a bitmap over the controlling field's values, one bit per value, high bit first. */
function validFor(index: number, count: number): string {
  const bytes = new Uint8Array(Math.ceil(count / 8));
  bytes[index >> 3]! |= 0x80 >> (index & 7);
  return Buffer.from(bytes).toString('base64');
}

let catalogue: Catalogue | undefined;
/** Built on first use: a few thousand subdivisions, which an org without picklists never needs. */
export const picklistCatalogue = (): Catalogue => (catalogue ??= new Catalogue());

/** The two code fields of each address, as describe lists them. */
export function codeFields(object: ObjectName): FieldDef[] {
  return ADDRESS_PREFIXES[object].flatMap((p) => [
    { name: `${p}CountryCode`, type: 'picklist' as const, length: 10, picklist: 'country' as const },
    { name: `${p}StateCode`, type: 'picklist' as const, length: 10, picklist: 'state' as const, controllerName: `${p}CountryCode` },
  ]);
}

const label = (prefix: string) => (prefix ? `${prefix} ` : '');

/**
 * The address fields a write sets once codes and names are in step, or the errors Salesforce
 * gives. `input` holds the written values (canonical field names), `existing` the record
 * before an update (undefined on create).
 */
export function reconcileAddresses(object: ObjectName, input: Values, existing: Values | undefined): { values: Values } | { errors: SfError[] } {
  const values: Values = {};
  const errors: SfError[] = [];
  for (const prefix of ADDRESS_PREFIXES[object]) {
    const result = reconcileOne(prefix, input, existing);
    if ('error' in result) errors.push(result.error);
    else Object.assign(values, result.values);
  }
  return errors.length ? { errors } : { values };
}

function reconcileOne(prefix: string, input: Values, existing: Values | undefined): { values: Values } | { error: SfError } {
  const f = { country: `${prefix}Country`, countryCode: `${prefix}CountryCode`, state: `${prefix}State`, stateCode: `${prefix}StateCode` };
  const countryTouched = f.country in input || f.countryCode in input;
  const stateTouched = f.state in input || f.stateCode in input;
  if (!countryTouched && !stateTouched) return { values: {} };
  const cat = picklistCatalogue();
  const integrity = (message: string, field: string) => ({ error: sfError('FIELD_INTEGRITY_EXCEPTION', message, [field]) });
  const values: Values = {};

  const before = text(existing?.[f.countryCode]);
  let country = before;
  if (countryTouched) {
    const code = text(input[f.countryCode]);
    const name = text(input[f.country]);
    if (code !== null) {
      if (!cat.countries.has(code))
        return integrity(
          `The ${f.countryCode} field contains ${code}, which isn't an available country/territory. Your administrator can add it for you.`,
          f.countryCode,
        );
      // On create the code wins over a name that disagrees; an update that disagrees is refused.
      if (existing && name !== null && cat.countryByName(name) !== code) return integrity(COUNTRY_PROBLEM, f.country);
      country = code;
    } else if (name !== null) {
      const byName = cat.countryByName(name);
      if (!byName) return integrity(COUNTRY_PROBLEM, f.country);
      country = byName;
    } else country = null;
    values[f.countryCode] = country;
    values[f.country] = country ? cat.countries.get(country)!.name : null;
  }

  if (stateTouched) {
    const code = text(input[f.stateCode]);
    const name = text(input[f.state]);
    let state: string | null = null;
    if (code !== null || name !== null) {
      if (!country) return integrity(STATE_PROBLEM, code !== null ? f.stateCode : f.state);
      if (code !== null) {
        if (!cat.stateName(country, code)) {
          return cat.isStateAnywhere(code)
            ? integrity(`The existing country/territory doesn't recognize the state value for field: ${label(prefix)}State/Province Code`, f.stateCode)
            : integrity(`The ${f.stateCode} field contains ${code}, which isn't an available state. Your administrator can add it for you.`, f.stateCode);
        }
        if (existing && name !== null && cat.stateByName(country, name) !== code) return integrity(STATE_PROBLEM, f.state);
        state = code;
      } else {
        state = cat.stateByName(country, name!) ?? null;
        if (!state) return integrity(STATE_PROBLEM, f.state);
      }
    }
    values[f.stateCode] = state;
    values[f.state] = state && country ? cat.stateName(country, state)! : null;
  } else if (country !== before) {
    // A new country must know the state the record keeps.
    const kept = text(existing?.[f.stateCode]);
    if (kept !== null && (!country || !cat.stateName(country, kept)))
      return integrity(`The existing country/territory doesn't recognize the state value for field: ${label(prefix)}State/Province Code`, f.stateCode);
  }
  return { values };
}

/**
 * The codes for values already in an org when its admin turns picklists on (Salesforce's
 * conversion): text that is a listed name or code gets its code and its integration value;
 * anything else stays as text without a code, for a person to fix.
 */
export function convertExisting(object: ObjectName, record: Values): Values {
  const cat = picklistCatalogue();
  const out: Values = {};
  for (const prefix of ADDRESS_PREFIXES[object]) {
    const countryText = text(record[`${prefix}Country`]);
    const country =
      countryText === null ? null : cat.countries.has(countryText.toUpperCase()) ? countryText.toUpperCase() : (cat.countryByName(countryText) ?? null);
    out[`${prefix}CountryCode`] = country;
    if (country) out[`${prefix}Country`] = cat.countries.get(country)!.name;
    const stateText = text(record[`${prefix}State`]);
    const state =
      country && stateText !== null
        ? cat.stateName(country, stateText.toUpperCase())
          ? stateText.toUpperCase()
          : (cat.stateByName(country, stateText) ?? null)
        : null;
    out[`${prefix}StateCode`] = state;
    if (state && country) out[`${prefix}State`] = cat.stateName(country, state)!;
  }
  return out;
}

/** How a person's address is written into an org: codes where the org has picklists and the value is listed, the text otherwise (seeding). */
export function addressInput(prefix: string, state: string, country: string): Values {
  const cat = picklistCatalogue();
  const code = cat.countries.has(country.toUpperCase()) ? country.toUpperCase() : cat.countryByName(country);
  if (!code) return {};
  const stateCode = state === '' ? undefined : cat.stateName(code, state.toUpperCase()) ? state.toUpperCase() : cat.stateByName(code, state);
  return { [`${prefix}CountryCode`]: code, ...(stateCode ? { [`${prefix}StateCode`]: stateCode } : {}) };
}

function text(v: FieldValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = String(v).trim();
  return t === '' ? null : t;
}
