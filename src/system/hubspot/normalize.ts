/**
 * HubSpot records → RemoteRecord. A record that cannot be normalized (no id, no
 * parseable modification stamp, a non-scalar property) is still yielded, flagged with
 * `malformed`, so the process tier quarantines it instead of losing it.
 */
import type { RemoteFields, RemoteRecord } from '../system-api';
import type { WireRecord } from './types';

/** Used when a record has no usable stamp; it only marks the record, the cursor ignores it. */
const NO_STAMP = new Date(0).toISOString();

/** Epoch ms of a HubSpot datetime: ISO strings, or epoch milliseconds as string or number. */
export function stampMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface Normalized {
  record: RemoteRecord;
  /** The stamp in ms when the record is well formed. */
  stamp?: number;
}

export function normalize(remoteType: string, stampProperty: string, wire: WireRecord, deleted = wire.archived): Normalized {
  const problems: string[] = [];
  const remoteId = typeof wire.id === 'string' ? wire.id : typeof wire.id === 'number' ? String(wire.id) : '';
  if (remoteId === '') problems.push('record has no id');
  const fields: RemoteFields = {};
  for (const [name, value] of Object.entries(wire.properties)) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[name] = value;
    else problems.push(`property ${name} is not a scalar value`);
  }
  // Deleted records are stamped by their archive time; live ones by the stamp property.
  const rawStamp = deleted ? (wire.archivedAt ?? wire.updatedAt) : (wire.properties[stampProperty] ?? wire.updatedAt);
  const stamp = stampMs(rawStamp);
  if (stamp === undefined) problems.push(`unparseable ${deleted ? 'archivedAt' : stampProperty}: ${JSON.stringify(rawStamp ?? null)}`);
  const modifiedAt = stamp === undefined ? NO_STAMP : new Date(stamp).toISOString();
  const record: RemoteRecord = { remoteType, remoteId, modifiedAt, deleted, fields };
  if (problems.length) record.malformed = problems.join('; ');
  return { record, stamp: problems.length ? undefined : stamp };
}
