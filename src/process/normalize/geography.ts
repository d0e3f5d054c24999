/**
 * Country and subdivision codes. The tables cover the countries Junction's users work in;
 * unknown values pass through trimmed rather than being guessed.
 */
import type { UnifiedValue } from '../model';

const COUNTRY_NAMES: Record<string, string> = {
  'united states': 'US', 'united states of america': 'US', usa: 'US', 'u.s.': 'US', 'u.s.a.': 'US', america: 'US',
  'united kingdom': 'GB', uk: 'GB', 'great britain': 'GB', england: 'GB', scotland: 'GB', wales: 'GB',
  germany: 'DE', deutschland: 'DE', france: 'FR', canada: 'CA', spain: 'ES', españa: 'ES', italy: 'IT', italia: 'IT',
  netherlands: 'NL', 'the netherlands': 'NL', australia: 'AU', india: 'IN', japan: 'JP', brazil: 'BR', brasil: 'BR',
  mexico: 'MX', méxico: 'MX', ireland: 'IE', switzerland: 'CH', austria: 'AT', sweden: 'SE', china: 'CN', nigeria: 'NG',
};

export function normalizeCountry(v: UnifiedValue): UnifiedValue {
  const t = v?.trim();
  if (!t) return null;
  if (/^[a-z]{2}$/i.test(t)) return t.toUpperCase() === 'UK' ? 'GB' : t.toUpperCase();
  return COUNTRY_NAMES[t.toLowerCase()] ?? t;
}

const SUBDIVISIONS: Record<string, Record<string, string>> = {
  US: {
    alabama: 'AL', alaska: 'AK', arizona: 'AZ', arkansas: 'AR', california: 'CA', colorado: 'CO', connecticut: 'CT', delaware: 'DE',
    florida: 'FL', georgia: 'GA', hawaii: 'HI', idaho: 'ID', illinois: 'IL', indiana: 'IN', iowa: 'IA', kansas: 'KS', kentucky: 'KY',
    louisiana: 'LA', maine: 'ME', maryland: 'MD', massachusetts: 'MA', michigan: 'MI', minnesota: 'MN', mississippi: 'MS',
    missouri: 'MO', montana: 'MT', nebraska: 'NE', nevada: 'NV', 'new hampshire': 'NH', 'new jersey': 'NJ', 'new mexico': 'NM',
    'new york': 'NY', 'north carolina': 'NC', 'north dakota': 'ND', ohio: 'OH', oklahoma: 'OK', oregon: 'OR', pennsylvania: 'PA',
    'rhode island': 'RI', 'south carolina': 'SC', 'south dakota': 'SD', tennessee: 'TN', texas: 'TX', utah: 'UT', vermont: 'VT',
    virginia: 'VA', washington: 'WA', 'west virginia': 'WV', wisconsin: 'WI', wyoming: 'WY', 'district of columbia': 'DC',
  },
  CA: { alberta: 'AB', 'british columbia': 'BC', manitoba: 'MB', 'new brunswick': 'NB', 'newfoundland and labrador': 'NL', 'nova scotia': 'NS', ontario: 'ON', 'prince edward island': 'PE', quebec: 'QC', québec: 'QC', saskatchewan: 'SK' },
  DE: { 'baden-württemberg': 'BW', bavaria: 'BY', bayern: 'BY', berlin: 'BE', brandenburg: 'BB', bremen: 'HB', hamburg: 'HH', hesse: 'HE', hessen: 'HE', 'lower saxony': 'NI', niedersachsen: 'NI', 'north rhine-westphalia': 'NW', 'nordrhein-westfalen': 'NW', saxony: 'SN', sachsen: 'SN' },
};

/** "New York", "N.Y.", "ny", "NY", "US-NY" with country US → "US-NY". */
export function normalizeState(v: UnifiedValue, country: UnifiedValue): UnifiedValue {
  const t = v?.trim();
  if (!t) return null;
  const table = country ? SUBDIVISIONS[country] : undefined;
  if (!table || !country) return t;
  const prefixed = new RegExp(`^${country}-([A-Z0-9]{1,3})$`, 'i').exec(t);
  const codes = new Set(Object.values(table));
  const compact = (prefixed?.[1] ?? t).replace(/\./g, '').toUpperCase();
  if (codes.has(compact)) return `${country}-${compact}`;
  const byName = table[t.toLowerCase()];
  return byName ? `${country}-${byName}` : t;
}
