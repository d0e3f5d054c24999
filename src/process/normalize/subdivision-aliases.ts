/**
 * Spellings the datasets (i18n-iso-countries, country-state-city) do not carry but CRMs
 * are full of: local-language subdivision names and common abbreviations. Keys are compared
 * case- and accent-insensitively; values are ISO codes.
 */
export const COUNTRY_ALIASES: Record<string, string> = {
  uk: 'GB', 'u k': 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'great britain': 'GB', 'northern ireland': 'GB',
  usa: 'US', 'u s': 'US', 'u s a': 'US', america: 'US', 'united states of america': 'US', 'the netherlands': 'NL', holland: 'NL', 'etats unis': 'US', 'etats-unis': 'US',
};

export const SUBDIVISION_ALIASES: Record<string, Record<string, string>> = {
  DE: {
    bayern: 'BY', hessen: 'HE', niedersachsen: 'NI', 'nordrhein-westfalen': 'NW', nrw: 'NW', sachsen: 'SN', 'sachsen-anhalt': 'ST',
    thuringen: 'TH', 'rheinland-pfalz': 'RP', 'mecklenburg-vorpommern': 'MV', 'baden-wurttemberg': 'BW', 'baden wuerttemberg': 'BW',
  },
  CA: { quebec: 'QC', 'p e i': 'PE', pei: 'PE', newfoundland: 'NL' },
  US: { 'washington dc': 'DC', 'washington d c': 'DC', 'd c': 'DC', calif: 'CA', mass: 'MA', penn: 'PA', 'n y': 'NY', 'n j': 'NJ', 'n c': 'NC', 's c': 'SC' },
  FR: { 'ile de france': 'IDF', 'ile-de-france': 'IDF' },
  ES: { cataluna: 'CT', catalunya: 'CT', catalonia: 'CT', madrid: 'M' },
};
