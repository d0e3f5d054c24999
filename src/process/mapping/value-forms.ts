/**
 * The forms a unified value takes in a CRM. The store keeps ISO codes (country "US", state
 * "US-NY") so that every CRM's spelling compares equal; a CRM gets what a person there reads
 * and what the field accepts: names in text fields, the picklist's own codes in a picklist.
 * A value the store could not recognise (kept as it was entered) is written as it is.
 */
import type { UnifiedValue } from '../model';
import { countryName, subdivisionCode, subdivisionName } from '../normalize/geography';

export type ValueForm =
  /** "US" → "United States". */
  | 'countryName'
  /** "US-NY" → "New York". */
  | 'subdivisionName'
  /** "US": the store's ISO 3166-1 alpha-2 code, which country picklists list. */
  | 'countryCode'
  /** "US-NY" → "NY": the code state picklists list under their country. */
  | 'subdivisionCode';

const FORMS: Record<ValueForm, (v: UnifiedValue) => UnifiedValue> = {
  countryName,
  subdivisionName,
  countryCode: (v) => v,
  subdivisionCode,
};

export function inForm(form: ValueForm | undefined, value: UnifiedValue): UnifiedValue {
  return form ? FORMS[form](value) : value;
}
