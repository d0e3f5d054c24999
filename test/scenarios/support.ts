/**
 * What the scenario tests share: reading each CRM's contacts straight from its emulator
 * (GET /_emulator/records/…) and seeing them as unified, normalized values, so the store
 * and three vendors' shapes compare field by field; and editing a linked record in a CRM
 * through its adapter, as a person in that CRM would.
 */
import { expect } from 'vitest';
import { mapperFor } from '../../src/process/mapping/registry';
import type { ContactField, UnifiedValue } from '../../src/process/model';
import { normalizeContact } from '../../src/process/normalize/contact-normalizer';
import type { CrmKind, RemoteFields } from '../../src/system';
import type { SyncHarness } from '../support/sync-harness';

/** The contact objects each CRM keeps people in. */
export const CONTACT_OBJECTS: Record<CrmKind, string[]> = {
  SALESFORCE: ['Contact', 'Lead'],
  HUBSPOT: ['contacts'],
  DYNAMICS: ['contacts'],
} as Record<CrmKind, string[]>;

/** Fields every CRM maps (Dynamics has no LinkedIn URL; lifecycle is derived per vendor). */
export const SHARED_FIELDS: ContactField[] = ['email', 'firstName', 'lastName', 'phone', 'title', 'city', 'state', 'country', 'postalCode'];

export interface RemoteRow {
  remoteType: string;
  remoteId: string;
  /** Deleted, archived or converted: not a live copy of a person. */
  inactive: boolean;
  fields: RemoteFields;
}

export async function emulatorRows(h: SyncHarness, kind: CrmKind, object: string): Promise<RemoteRow[]> {
  const res = await fetch(`${h.emulators.get(kind)!.url}/_emulator/records/${object}`);
  expect(res.status).toBe(200);
  const rows = (await res.json()) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    if (kind === 'HUBSPOT') return { remoteType: object, remoteId: String(row.id), inactive: row.archived === true, fields: row.properties as RemoteFields };
    if (kind === 'DYNAMICS') return { remoteType: object, remoteId: String(row.contactid), inactive: false, fields: row as RemoteFields };
    return { remoteType: object, remoteId: String(row.Id), inactive: row.IsDeleted === true || row.IsConverted === true, fields: row as RemoteFields };
  });
}

/** A CRM record as Junction would read it: mapped to unified fields and normalized. */
export function unifiedOf(kind: CrmKind, row: RemoteRow): Partial<Record<ContactField, UnifiedValue>> {
  const { record } = mapperFor(kind, row.remoteType).toUnified(row.fields);
  return normalizeContact(record.values as Partial<Record<ContactField, UnifiedValue>>).values;
}

export interface LinkRow {
  record_id: string;
  connection_id: string;
  remote_type: string;
  remote_id: string;
}

export async function contactLinks(h: SyncHarness): Promise<LinkRow[]> {
  return (await h.db.dataSource.query(`SELECT record_id, connection_id, remote_type, remote_id FROM source_links WHERE record_kind = 'CONTACT'`)) as LinkRow[];
}

/** Live contacts in the store, by id, with their shared fields. */
export async function storeContacts(h: SyncHarness): Promise<Map<string, Record<string, UnifiedValue>>> {
  const rows = (await h.db.dataSource.query(
    `SELECT id, email, first_name "firstName", last_name "lastName", phone, title, city, state, country, postal_code "postalCode"
       FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL`,
  )) as Array<Record<string, UnifiedValue> & { id: string }>;
  return new Map(rows.map(({ id, ...values }) => [id, values]));
}

/** Picks the shared fields, with absent values as null, for a field-by-field comparison. */
export function sharedValues(values: Partial<Record<string, UnifiedValue>>): Record<string, UnifiedValue> {
  return Object.fromEntries(SHARED_FIELDS.map((f) => [f, values[f] ?? null]));
}

/** A contact linked in every one of the given CRMs: the same seeded person on every run (first by email). */
export async function contactInEvery(h: SyncHarness, kinds: CrmKind[]): Promise<string> {
  const ids = kinds.map((k) => h.connectionIds.get(k)!);
  const rows = (await h.db.dataSource.query(
    `SELECT l.record_id FROM source_links l JOIN contacts c ON c.id = l.record_id WHERE l.record_kind = 'CONTACT' AND l.connection_id = ANY($1::uuid[])
      GROUP BY l.record_id, c.email HAVING count(DISTINCT l.connection_id) = $2 ORDER BY c.email LIMIT 1`,
    [ids, ids.length],
  )) as Array<{ record_id: string }>;
  expect(rows).toHaveLength(1);
  return rows[0]!.record_id;
}

/** The link of a unified contact in one CRM. */
export async function linkOf(h: SyncHarness, contactId: string, kind: CrmKind): Promise<{ remoteType: string; remoteId: string }> {
  const rows = (await h.db.dataSource.query(`SELECT remote_type, remote_id FROM source_links WHERE record_id = $1 AND connection_id = $2`, [
    contactId,
    h.connectionIds.get(kind),
  ])) as Array<{ remote_type: string; remote_id: string }>;
  expect(rows).toHaveLength(1);
  return { remoteType: rows[0]!.remote_type, remoteId: rows[0]!.remote_id };
}

/** Edits a linked record in a CRM through its adapter (vendor field names), as a person there would. */
export async function editInCrm(h: SyncHarness, kind: CrmKind, contactId: string, fields: RemoteFields): Promise<void> {
  const link = await linkOf(h, contactId, kind);
  const conn = (await h.connections.get(h.connectionIds.get(kind)!))!;
  const [result] = await h.connections.adapterFor(conn).upsert(link.remoteType, [{ remoteId: link.remoteId, junctionId: contactId, fields }]);
  expect(result?.ok).toBe(true);
}

/** The unified values of one contact's copy in a CRM, read from the emulator. */
export async function crmCopy(h: SyncHarness, kind: CrmKind, contactId: string): Promise<Record<string, UnifiedValue>> {
  const link = await linkOf(h, contactId, kind);
  const row = (await emulatorRows(h, kind, link.remoteType)).find((r) => r.remoteId === link.remoteId);
  expect(row, `${kind} ${link.remoteType} ${link.remoteId}`).toBeDefined();
  return sharedValues(unifiedOf(kind, row!));
}

/**
 * Sync rounds (every connection, in order) until a whole round writes nothing to any CRM.
 * A finished run may queue follow-up runs for connections it left changes for, and the worker
 * runs those too, so a round is judged by every run it started, not only the triggered ones.
 */
export async function syncUntilQuiet(h: SyncHarness, maxRounds = 6): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    const [{ last }] = (await h.db.dataSource.query(`SELECT coalesce(max(created_at), '-infinity') AS last FROM sync_runs`)) as Array<{ last: Date }>;
    await h.syncAll();
    await h.worker.drain();
    const runs = (await h.db.dataSource.query(`SELECT status, error, records_written FROM sync_runs WHERE created_at > $1 AND NOT dry_run`, [last])) as Array<{
      status: string;
      error: string | null;
      records_written: number;
    }>;
    for (const r of runs) expect(r.status, r.error ?? '').toBe('SUCCEEDED');
    const pending = Number(((await h.db.dataSource.query(`SELECT count(*) n FROM outbox WHERE delivered_at IS NULL`)) as Array<{ n: string }>)[0]!.n);
    if (pending === 0 && runs.every((r) => r.records_written === 0)) return round;
  }
  throw new Error(`still writing after ${maxRounds} sync rounds`);
}
