/**
 * From Salesforce rows to RemoteRecords, plus the SOQL pieces the adapter writes. A row
 * that cannot be normalized is kept and flagged (`malformed`) so the process tier
 * can quarantine it; listing never drops or crashes on it.
 */
import { SystemError } from '../errors';
import type { RemoteFields, RemoteRecord, RemoteValue } from '../system-api';
import { toIsoUtc } from './dates';
import { SALESFORCE_DESCRIPTOR } from './descriptor';

const EXT = SALESFORCE_DESCRIPTOR.externalIdField;
/** Always selected: identity, change stamp, deletion flag and Junction's link. */
export const SYSTEM_FIELDS = ['Id', 'SystemModstamp', 'IsDeleted', EXT];

/** System fields first, then the mapped ones; duplicates (any case) removed, as SOQL demands. */
export function selectList(fields: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of [...SYSTEM_FIELDS, ...fields]) {
    const key = f.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}

export function toRemoteRecord(remoteType: string, row: Record<string, unknown>): RemoteRecord {
  const fields: RemoteFields = {};
  for (const [k, v] of Object.entries(row)) if (k !== 'attributes') fields[k] = flatten(v);
  const id = typeof row.Id === 'string' ? row.Id : '';
  const stamp = typeof row.SystemModstamp === 'string' ? toIsoUtc(row.SystemModstamp) : undefined;
  const problems: string[] = [];
  if (!id) problems.push('record has no Id');
  if (!stamp) problems.push(`unparseable SystemModstamp: ${JSON.stringify(row.SystemModstamp ?? null)}`);
  return {
    remoteType,
    remoteId: id,
    modifiedAt: stamp ?? String(row.SystemModstamp ?? ''),
    deleted: row.IsDeleted === true || row.IsDeleted === 'true',
    fields,
    ...(problems.length ? { malformed: problems.join('; ') } : {}),
  };
}

/** Compound and relationship values are objects on the wire; keep them as JSON text. */
function flatten(v: unknown): RemoteValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

export interface ChangeCursor {
  /** ISO-8601 UTC SystemModstamp of the last record applied. */
  stamp: string;
  /** Its Id: with the stamp, a tie-safe position (records sharing a stamp are ordered by Id). */
  id: string;
}

export function encodeCursor(c: ChangeCursor): string {
  return `${c.stamp}|${c.id}`;
}

export function decodeCursor(cursor: string): ChangeCursor | undefined {
  const bar = cursor.lastIndexOf('|');
  if (bar < 0) return undefined;
  const stamp = toIsoUtc(cursor.slice(0, bar));
  const id = cursor.slice(bar + 1);
  return stamp && /^[A-Za-z0-9-]*$/.test(id) ? { stamp, id } : undefined;
}

/** SOQL datetime literal; whole seconds are written without a fraction, as the docs show. */
export function soqlDateTime(iso: string): string {
  return iso.endsWith('.000Z') ? iso.replace('.000Z', 'Z') : iso;
}

/** SOQL string literal with Salesforce's backslash escapes. */
export function soqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Only plain API names reach SOQL: mapped fields come from configuration, not users, but be strict. */
export function assertApiName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new SystemError('VALIDATION', 'INVALID_API_NAME', `not a Salesforce API name: ${JSON.stringify(name)}`);
}
