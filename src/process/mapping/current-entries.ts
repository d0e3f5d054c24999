/** A connection's field-mapping entries as they stand: version 1 (the code's) and the current version over it. */
import type { ConnectionEntity } from '../store/entities';
import { mergeEntries, seedEntries, type FieldMappingEntry } from './mapping-entries';
import { customFieldsOf, mappingProfile } from './registry';

/** What the code's mappers and the connection's custom fields amount to: version 1. */
export function versionOneEntries(connection: Pick<ConnectionEntity, 'kind' | 'settings'>): FieldMappingEntry[] {
  return seedEntries(mappingProfile(connection.kind).mappers, customFieldsOf(connection));
}

/** The current version's entries over version 1's (custom fields added since show too). */
export function currentEntries(connection: Pick<ConnectionEntity, 'kind' | 'settings' | 'fieldMappings'>): FieldMappingEntry[] {
  const seed = versionOneEntries(connection);
  return connection.fieldMappings ? mergeEntries(seed, connection.fieldMappings) : seed;
}
