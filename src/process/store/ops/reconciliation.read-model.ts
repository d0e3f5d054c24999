/** What reconciling a connection against its CRM reads from the store: its links, their records, and what waits in quarantine. */
import type { ContactField } from '../../model';
import type { Queryable } from '../queryable';

/** A source link with the state of the record behind it. */
export interface LinkedRecord {
  recordId: string;
  /** The record exists and is live (not deleted; a contact not merged away). */
  alive: boolean;
  /** A delivery of the record to this connection is still pending. */
  pending: boolean;
  /** The stored contact values compared with the CRM's (contacts only; empty for companies). */
  values: Partial<Record<ContactField, string | null>>;
}

const CONTACT_COLUMNS: Partial<Record<ContactField, string>> = { email: 'email', firstName: 'first_name', lastName: 'last_name', phone: 'phone', title: 'title', city: 'city', state: 'state', country: 'country', postalCode: 'postal_code' };

interface LinkRow { remote_id: string; record_id: string; alive: boolean; pending: boolean; [column: string]: unknown }

/** The connection's links of one remote type and record kind, by remote id. */
export async function linkedRecords(db: Queryable, connectionId: string, remoteType: string, kind: 'CONTACT' | 'COMPANY'): Promise<Map<string, LinkedRecord>> {
  const table = kind === 'CONTACT' ? 'contacts' : 'companies';
  const extra = kind === 'CONTACT' ? ', r.email, r.first_name, r.last_name, r.phone, r.title, r.city, r.state, r.country, r.postal_code' : '';
  const aliveClause = kind === 'CONTACT' ? 'r.deleted_at IS NULL AND r.merged_into IS NULL' : 'r.deleted_at IS NULL';
  const rows = (await db.query(
    `SELECT l.remote_id, l.record_id, (r.id IS NOT NULL AND ${aliveClause}) AS alive,
            EXISTS (SELECT 1 FROM outbox o WHERE o.connection_id = l.connection_id AND o.record_id = l.record_id AND o.delivered_at IS NULL) AS pending ${extra}
     FROM source_links l LEFT JOIN ${table} r ON r.id = l.record_id
     WHERE l.connection_id = $1 AND l.remote_type = $2 AND l.record_kind = $3`,
    [connectionId, remoteType, kind],
  )) as LinkRow[];
  return new Map(rows.map((r) => [r.remote_id, toLinkedRecord(kind, r)]));
}

function toLinkedRecord(kind: 'CONTACT' | 'COMPANY', r: LinkRow): LinkedRecord {
  const values: LinkedRecord['values'] = {};
  if (kind === 'CONTACT') for (const [field, column] of Object.entries(CONTACT_COLUMNS)) values[field as ContactField] = (r[column] as string | null) ?? null;
  return { recordId: r.record_id, alive: r.alive, pending: r.pending, values };
}

/** Remote ids of the connection's records of this type waiting in quarantine. */
export async function quarantinedRemoteIds(db: Queryable, connectionId: string, remoteType: string): Promise<Set<string>> {
  const rows = (await db.query(`SELECT remote_id FROM quarantine WHERE connection_id = $1 AND remote_type = $2 AND status = 'PENDING' AND remote_id IS NOT NULL`, [
    connectionId,
    remoteType,
  ])) as Array<{ remote_id: string }>;
  return new Set(rows.map((r) => r.remote_id));
}
