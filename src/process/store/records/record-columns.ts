/**
 * Where a unified record's fields live in the store: a fixed column per known field (never
 * taken from input, so store code may write them into SQL) and, under `custom.`, the record's
 * `custom` jsonb column. Pure; shared by the record repositories and the sync's page writes.
 */
import type { RecordKind, UnifiedValue } from '../../model';

const CONTACT_COLUMNS: Record<string, string> = {
  email: 'email', firstName: 'first_name', lastName: 'last_name', phone: 'phone', title: 'title', linkedinUrl: 'linkedin_url',
  city: 'city', state: 'state', country: 'country', postalCode: 'postal_code', lifecycleStage: 'lifecycle_stage',
};
const COMPANY_COLUMNS: Record<string, string> = { name: 'name', domain: 'domain', country: 'country' };

export const columnsFor = (kind: RecordKind) => (kind === 'CONTACT' ? CONTACT_COLUMNS : COMPANY_COLUMNS);
export const tableFor = (kind: RecordKind) => (kind === 'CONTACT' ? 'contacts' : 'companies');

/** Unified values under this prefix live in the record's `custom` jsonb column (SPEC §3 custom fields). */
export const CUSTOM_PREFIX = 'custom.';

/** Splits unified values into column values and `custom` entries (keys without the prefix). */
export function splitCustom(values: Record<string, UnifiedValue>): { columns: Record<string, UnifiedValue>; custom: Record<string, UnifiedValue> } {
  const columns: Record<string, UnifiedValue> = {};
  const custom: Record<string, UnifiedValue> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith(CUSTOM_PREFIX)) custom[k.slice(CUSTOM_PREFIX.length)] = v;
    else columns[k] = v;
  }
  return { columns, custom };
}

/** Only the fields that carry a value: what a new record's provenance records. */
export function nonNull(values: Partial<Record<string, UnifiedValue>>): Record<string, UnifiedValue> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined)) as Record<string, UnifiedValue>;
}
