/**
 * What each unified field is (the data dictionary's fixed half; its mappings, rules and owners
 * are read live). Every unified value is stored as text; `type` says what the text holds.
 */
import { COMPANY_FIELDS, CONTACT_FIELDS, type RecordKind } from '../model';

export interface UnifiedFieldInfo {
  type: 'TEXT' | 'EMAIL' | 'PHONE' | 'URL' | 'DOMAIN' | 'COUNTRY_CODE' | 'STATE_CODE' | 'POSTAL_CODE' | 'ENUM';
  description: string;
}

const CONTACT: Record<(typeof CONTACT_FIELDS)[number], UnifiedFieldInfo> = {
  email: { type: 'EMAIL', description: 'The person’s email address, lower-cased; what matching keys on first.' },
  firstName: { type: 'TEXT', description: 'Given name.' },
  lastName: { type: 'TEXT', description: 'Family name.' },
  phone: { type: 'PHONE', description: 'Main phone number in E.164 (+14155550100) where it could be read.' },
  title: { type: 'TEXT', description: 'Job title.' },
  linkedinUrl: { type: 'URL', description: 'LinkedIn profile URL, in its canonical form.' },
  city: { type: 'TEXT', description: 'City of the mailing address.' },
  state: { type: 'STATE_CODE', description: 'State or province as ISO 3166-2 (US-NY) where it could be recognised.' },
  country: { type: 'COUNTRY_CODE', description: 'Country as ISO 3166-1 alpha-2 (US).' },
  postalCode: { type: 'POSTAL_CODE', description: 'Postal or ZIP code.' },
  lifecycleStage: { type: 'ENUM', description: 'LEAD (before a sale: a Salesforce Lead, a HubSpot lead stage) or CONTACT.' },
};

const COMPANY: Record<(typeof COMPANY_FIELDS)[number], UnifiedFieldInfo> = {
  name: { type: 'TEXT', description: 'The company’s name.' },
  domain: { type: 'DOMAIN', description: 'Web domain (acme.com), without scheme or www; what company matching keys on.' },
  country: { type: 'COUNTRY_CODE', description: 'Country as ISO 3166-1 alpha-2 (US).' },
};

const CUSTOM: UnifiedFieldInfo = { type: 'TEXT', description: 'A custom field a connection maps (kept in the record’s custom values).' };

export function unifiedFields(kind: RecordKind): Array<[string, UnifiedFieldInfo]> {
  return Object.entries(kind === 'CONTACT' ? CONTACT : COMPANY);
}

/** What a unified field is; a custom field (custom.*) is text. */
export function unifiedFieldInfo(kind: RecordKind, field: string): UnifiedFieldInfo | undefined {
  const known = kind === 'CONTACT' ? (CONTACT as Record<string, UnifiedFieldInfo>) : (COMPANY as Record<string, UnifiedFieldInfo>);
  return Object.hasOwn(known, field) ? known[field] : field.startsWith('custom.') ? CUSTOM : undefined;
}

/** The values an ENUM field takes (a value map's unified side must be one of them). */
export const ENUM_VALUES: Record<string, readonly string[]> = { lifecycleStage: ['LEAD', 'CONTACT'] };
