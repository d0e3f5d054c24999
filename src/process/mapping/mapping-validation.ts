/**
 * Whether a field-mapping change can be used, with every problem named: first its shape (an
 * object Junction syncs, a unified field of that object's record kind, a value map onto the
 * field's own values), then against the CRM's describe (the vendor field exists there and
 * its type fits the unified field, given the transform or value map).
 */
import { SystemError, type CrmKind } from '../../system';
import type { CrmMappingProfile } from './field-map';
import { isCustomField, MAPPING_DIRECTIONS, type FieldMappingEntry } from './mapping-entries';
import { FIELD_TRANSFORMS } from './transforms';
import { ENUM_VALUES, unifiedFieldInfo } from './unified-fields';

/** A mapping that cannot be used; nothing was changed. */
export class FieldMappingInputError extends SystemError {
  constructor(readonly problems: string[]) {
    super('VALIDATION', 'FIELD_MAPPING', `invalid field mapping: ${problems.join('; ')}`);
  }
}

const REMOTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,79}$/;
const CUSTOM_KEY = /^custom\.[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The given entries, checked for shape and put in the profile's spelling of each object. */
export function checkShape(profile: CrmMappingProfile, given: readonly FieldMappingEntry[]): FieldMappingEntry[] {
  const problems: string[] = [];
  const out: FieldMappingEntry[] = [];
  const seen = new Set<string>();
  for (const [i, e] of given.entries()) {
    const at = `entries.${i}`;
    const mapper = profile.mappers.find((m) => m.remoteType.toLowerCase() === e.remoteObject.trim().toLowerCase());
    if (!mapper) {
      problems.push(`${at}.remoteObject: ${profile.crm} has no synced object ${e.remoteObject} (one of ${profile.mappers.map((m) => m.remoteType).join(', ')})`);
      continue;
    }
    const entry: FieldMappingEntry = { ...e, remoteObject: mapper.remoteType, field: e.field.trim(), remoteField: e.remoteField.trim(), transform: e.transform ?? null, valueMap: e.valueMap ?? null };
    if (entry.recordKind !== mapper.kind) problems.push(`${at}.recordKind: ${mapper.remoteType} holds ${mapper.kind} records, not ${entry.recordKind}`);
    const info = unifiedFieldInfo(mapper.kind, entry.field);
    if (!info || (isCustomField(entry.field) && !CUSTOM_KEY.test(entry.field)))
      problems.push(`${at}.field: ${entry.field} is not a unified ${mapper.kind.toLowerCase()} field (nor custom.<key>)`);
    if (!REMOTE_NAME.test(entry.remoteField)) problems.push(`${at}.remoteField: ${entry.remoteField} is not a vendor API field name`);
    if (!MAPPING_DIRECTIONS.includes(entry.direction)) problems.push(`${at}.direction: one of ${MAPPING_DIRECTIONS.join(', ')}`);
    if (entry.transform !== null && !FIELD_TRANSFORMS.includes(entry.transform)) problems.push(`${at}.transform: one of ${FIELD_TRANSFORMS.join(', ')}`);
    if (entry.transform !== null && mapper.mappedFields.some((f) => f.unified === entry.field && f.derived))
      problems.push(`${at}.transform: ${entry.field} on ${mapper.remoteType} is derived through its value map, which takes no transform`);
    if (entry.valueMap !== null) {
      const allowed = ENUM_VALUES[entry.field];
      for (const [remote, unified] of Object.entries(entry.valueMap)) {
        if (typeof unified !== 'string' || remote.trim() === '') problems.push(`${at}.valueMap: maps vendor values (not empty) to text`);
        else if (allowed && !allowed.includes(unified)) problems.push(`${at}.valueMap.${remote}: ${entry.field} is one of ${allowed.join(', ')}, not ${unified}`);
      }
    }
    const key = `${entry.remoteObject}.${entry.field}`;
    if (seen.has(key)) problems.push(`${at}: ${entry.field} on ${entry.remoteObject} is given twice`);
    seen.add(key);
    out.push(entry);
  }
  if (problems.length) throw new FieldMappingInputError(problems);
  return out;
}

/** The vendor's field types, folded into what a mapping check needs. */
type Kind = 'text' | 'picklist' | 'number' | 'date' | 'boolean' | 'reference' | 'unknown';

const KINDS: Record<string, Kind> = {
  // Salesforce describe
  string: 'text', email: 'text', phone: 'text', url: 'text', textarea: 'text', encryptedstring: 'text', combobox: 'text',
  picklist: 'picklist', multipicklist: 'picklist',
  double: 'number', int: 'number', long: 'number', currency: 'number', percent: 'number',
  date: 'date', datetime: 'date', time: 'date',
  boolean: 'boolean', id: 'reference', reference: 'reference',
  // HubSpot properties
  number: 'number', enumeration: 'picklist', bool: 'boolean',
  // Dataverse attribute metadata
  memo: 'text', state: 'picklist', status: 'picklist', integer: 'number', bigint: 'number', decimal: 'number', money: 'number',
  lookup: 'reference', customer: 'reference', owner: 'reference', uniqueidentifier: 'reference',
};

/** Why a vendor field of this type cannot hold the entry's unified field, or undefined when it fits. */
function misfit(e: FieldMappingEntry, vendorType: string): string | undefined {
  const kind = KINDS[vendorType.toLowerCase()] ?? 'unknown';
  const mapped = e.valueMap !== null && Object.keys(e.valueMap).length > 0;
  if (kind === 'text' || kind === 'picklist' || kind === 'unknown') return undefined;
  if (kind === 'number' && (e.transform === 'NUMBER' || mapped)) return undefined;
  if (kind === 'date' && e.transform === 'DATE_ISO') return undefined;
  if (kind === 'boolean' && mapped) return undefined;
  const needs = kind === 'number' ? ' (use transform NUMBER or a value map)' : kind === 'date' ? ' (use transform DATE_ISO)' : kind === 'boolean' ? ' (use a value map)' : '';
  return `${e.remoteObject}.${e.remoteField} is a ${vendorType} field, which does not fit the text field ${e.field}${needs}`;
}

/** Problems of the changed entries against each object's described field types (`types` by object). */
export function checkAgainstDescribe(crm: CrmKind, changed: readonly FieldMappingEntry[], types: ReadonlyMap<string, Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const e of changed) {
    const fields = types.get(e.remoteObject) ?? {};
    if (!Object.hasOwn(fields, e.remoteField)) {
      const near = Object.keys(fields).find((f) => f.toLowerCase() === e.remoteField.toLowerCase());
      problems.push(`${crm} ${e.remoteObject} has no field ${e.remoteField}${near ? ` (did you mean ${near}?)` : ''}`);
      continue;
    }
    const bad = misfit(e, fields[e.remoteField]!);
    if (bad) problems.push(bad);
  }
  return problems;
}
