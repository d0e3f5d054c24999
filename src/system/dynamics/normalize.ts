/**
 * Dataverse rows → RemoteRecord. A row that cannot be normalized (no key, unparseable
 * `modifiedon`, a non-scalar column) is still yielded, flagged with `malformed`,
 * so the process tier quarantines it instead of losing it.
 */
import type { RemoteFields, RemoteRecord } from '../system-api';
import { DATAVERSE_ENTITIES, type SyncedEntitySet } from './descriptor';
import { isDeletedEntity, type WireRow } from './types';

const NO_STAMP = new Date(0).toISOString();

/** ISO `Z` stamps only; Dataverse never sends epoch numbers for datetimes. */
export function stampMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface Normalized {
  record: RemoteRecord;
  stamp?: number;
}

export function normalizeRow(set: SyncedEntitySet, row: WireRow, now: number): Normalized {
  if (isDeletedEntity(row)) return deletedRecord(set, row, now);
  const problems: string[] = [];
  const key = row[DATAVERSE_ENTITIES[set].key];
  const remoteId = typeof key === 'string' ? key : '';
  if (remoteId === '') problems.push(`row has no ${DATAVERSE_ENTITIES[set].key}`);
  const fields: RemoteFields = {};
  for (const [name, value] of Object.entries(row)) {
    // OData annotations (`@odata.etag`, `x@OData.Community.Display.V1.FormattedValue`) are not columns.
    if (name.includes('@')) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
    else problems.push(`column ${name} is not a scalar value`);
  }
  const stamp = stampMs(row.modifiedon);
  if (stamp === undefined) problems.push(`unparseable modifiedon: ${JSON.stringify(row.modifiedon ?? null)}`);
  const modifiedAt = stamp === undefined ? NO_STAMP : new Date(stamp).toISOString();
  const record: RemoteRecord = { remoteType: set, remoteId, modifiedAt, deleted: false, fields };
  if (problems.length) record.malformed = problems.join('; ');
  return { record, stamp: problems.length ? undefined : stamp };
}

/**
 * `$deletedEntity` rows carry only the id: the deletion time is unknown, so modifiedAt is
 * the time Junction read it, and `__stampSynthetic` says so to anyone comparing stamps.
 */
function deletedRecord(set: SyncedEntitySet, row: WireRow, now: number): Normalized {
  const remoteId = typeof row.id === 'string' ? row.id : '';
  const record: RemoteRecord = { remoteType: set, remoteId, modifiedAt: new Date(now).toISOString(), deleted: true, fields: { __stampSynthetic: true } };
  if (remoteId === '') record.malformed = '$deletedEntity row has no id';
  return { record, stamp: now };
}
