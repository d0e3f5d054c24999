/**
 * Source links as a sync page reads and moves them (table source_links): which unified record
 * a CRM record is, by remote id (inbound) or by record id (outbound). The set-based link
 * upsert both directions share is records/source-link.repository.ts's `upsertLinks`.
 */
import type { RemoteFields } from '../../../system';
import type { Queryable } from '../queryable';

/** A CRM record's link as an inbound page sees it. */
export interface InboundLink {
  remoteId: string;
  recordId: string;
  /** The hash of the content Junction last exchanged with the CRM (null: none recorded). */
  contentHash: string | null;
}

/** A unified record's link in one connection, as an outbound batch sees it. */
export interface OutboundLink {
  recordId: string;
  remoteType: string;
  remoteId: string;
  /** The vendor fields last read or written; null when never recorded, or not asked for. */
  known: RemoteFields | null;
}

/** The links of these records of one remote type, by remote id. */
export async function linksByRemoteId(q: Queryable, connectionId: string, remoteType: string, remoteIds: string[]): Promise<Map<string, InboundLink>> {
  const rows = (await q.query(`SELECT remote_id, record_id, content_hash FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = ANY($3)`, [
    connectionId,
    remoteType,
    remoteIds,
  ])) as Array<{ remote_id: string; record_id: string; content_hash: string | null }>;
  return new Map(rows.map((l) => [l.remote_id, { remoteId: l.remote_id, recordId: l.record_id, contentHash: l.content_hash }]));
}

/** The connection's links of these unified records, by record id; with their known state when `withKnown`. */
export async function linksByRecordId(q: Queryable, connectionId: string, recordIds: string[], withKnown = false): Promise<Map<string, OutboundLink>> {
  if (!recordIds.length) return new Map();
  const rows = (await q.query(
    `SELECT record_id, remote_type, remote_id${withKnown ? ', known_state' : ''} FROM source_links WHERE connection_id = $1 AND record_id = ANY($2)`,
    [connectionId, recordIds],
  )) as Array<{ record_id: string; remote_type: string; remote_id: string; known_state?: RemoteFields | null }>;
  return new Map(rows.map((l) => [l.record_id, { recordId: l.record_id, remoteType: l.remote_type, remoteId: l.remote_id, known: l.known_state ?? null }]));
}

/** The CRM's records are gone (deleted or archived there): so are their links. */
export async function unlinkRemoteIds(q: Queryable, connectionId: string, remoteType: string, remoteIds: string[]): Promise<void> {
  await q.query(`DELETE FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = ANY($3)`, [connectionId, remoteType, remoteIds]);
}

/**
 * A converted CRM record (a Salesforce Lead turned Contact): the old record's link goes, and
 * the new one is linked to the same contact — unless it is linked already (read first and
 * matched by its keys): that link stands.
 */
export async function moveLinkToConverted(
  q: Queryable,
  connectionId: string,
  from: { remoteType: string; remoteId: string },
  to: { remoteType: string; remoteId: string },
  recordId: string,
  changedAt: Date,
): Promise<void> {
  await q.query(`DELETE FROM source_links WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [connectionId, from.remoteType, from.remoteId]);
  await q.query(
    `INSERT INTO source_links (record_kind, record_id, connection_id, remote_type, remote_id, remote_updated_at, content_hash)
     VALUES ('CONTACT', $1, $2, $3, $4, $5, NULL) ON CONFLICT (connection_id, remote_type, remote_id) DO NOTHING`,
    [recordId, connectionId, to.remoteType, to.remoteId, changedAt],
  );
}
