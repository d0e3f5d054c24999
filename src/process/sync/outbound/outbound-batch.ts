/**
 * Turns one batch of outbox rows into vendor writes with a fixed number of queries, whatever
 * the batch size: the records, then (for contacts) their companies and those companies'
 * links in this connection. Per-row loading kept the vendor idle while Junction read its own
 * database (BENCHMARKS.md scenario 8).
 *
 * A linked record gets only what changed since its known state (mapping/write-diff.ts); a
 * record with nothing to change is not written at all. A link older than known states (NULL)
 * gets the whole record once, as before.
 */
import type { EntityManager } from 'typeorm';
import type { OutboundRecord, RemoteFields } from '../../../system';
import { mapperFor, mappingProfile } from '../../mapping/registry';
import type { OutboundSnapshot } from '../../mapping/field-map';
import { changedFields, newRecordFields } from '../../mapping/write-diff';
import type { RecordKind } from '../../model';
import type { ConnectionEntity } from '../../store/entities';
import type { KnownState } from '../inbound/known-state';
import { deletePlanFor } from './outbound-deletes';
import { loadRecords } from '../../store/record-store';

export interface OutboxRow {
  id: string;
  record_kind: RecordKind;
  record_id: string;
}

export interface Pending {
  outboxId: string;
  kind: RecordKind;
  recordId: string;
  remoteType: string;
  record: OutboundRecord;
  /** Archive the linked record instead of writing it (delete propagation ARCHIVE). */
  archive?: boolean;
  /** The linked record's known state before this write (null: new, or never recorded). */
  known: KnownState | null;
}

export interface PreparedBatch {
  rows: OutboxRow[];
  writes: Pending[];
  /** Outbox rows with nothing to write (the record is gone, or deleted and not propagated here). */
  skipped: string[];
}

interface LinkRow {
  record_id: string;
  remote_type: string;
  remote_id: string;
  known_state?: KnownState | null;
}

async function linksOf(m: EntityManager, connectionId: string, recordIds: string[], withKnown = false): Promise<Map<string, LinkRow>> {
  if (!recordIds.length) return new Map();
  const rows = (await m.query(
    `SELECT record_id, remote_type, remote_id${withKnown ? ', known_state' : ''} FROM source_links WHERE connection_id = $1 AND record_id = ANY($2)`,
    [connectionId, recordIds],
  )) as LinkRow[];
  return new Map(rows.map((l) => [l.record_id, l]));
}

export async function prepareBatch(m: EntityManager, connection: ConnectionEntity, kind: RecordKind, rows: OutboxRow[]): Promise<PreparedBatch> {
  const profile = mappingProfile(connection.kind);
  const deletes = deletePlanFor(connection);
  const recordIds = rows.map((r) => r.record_id);
  const records = await loadRecords(m, kind, recordIds);
  const links = await linksOf(m, connection.id, recordIds, true);
  const companyIds = [...new Set([...records.values()].map((r) => r.companyId).filter((id): id is string => !!id))];
  const companies = await loadRecords(m, 'COMPANY', companyIds);
  const companyLinks = await linksOf(m, connection.id, companyIds);

  const writes: Pending[] = [];
  const skipped: string[] = [];
  for (const row of rows) {
    const stored = records.get(row.record_id);
    const link = links.get(row.record_id);
    // Deleted records are never hard-deleted elsewhere (SPEC §3); one this CRM never had is not sent at all.
    if (!stored || (stored.deletedAt && (deletes.action === 'NONE' || !link))) {
      skipped.push(row.id);
      continue;
    }
    if (stored.deletedAt && deletes.action === 'ARCHIVE') {
      writes.push({
        outboxId: row.id,
        kind,
        recordId: row.record_id,
        remoteType: link!.remote_type,
        record: { remoteId: link!.remote_id, junctionId: row.record_id, fields: {} },
        archive: true,
        known: link!.known_state ?? null,
      });
      continue;
    }
    const snapshot: OutboundSnapshot = { values: stored.values };
    if (kind === 'CONTACT' && stored.companyId) {
      snapshot.company = { name: companies.get(stored.companyId)?.values.name ?? null, remoteId: companyLinks.get(stored.companyId)?.remote_id };
    }
    const remoteType = link?.remote_type ?? profile.createAs(kind, snapshot);
    const mapper = mapperFor(connection, remoteType);
    const known = link?.known_state ?? null;
    const fields: RemoteFields = !link ? newRecordFields(mapper, snapshot) : known ? changedFields(mapper, snapshot, known) : mapper.toRemote(snapshot);
    const deleted = stored.deletedAt !== null;
    // The flag is set on every new record (so a CRM's "not deleted" filter finds it), and on a
    // linked one when it must change: always without a known state (as before), else when it
    // differs from the known one (absent: false).
    if (deletes.flagField && (!known || flagOf(known, deletes.flagField) !== deleted)) fields[deletes.flagField] = deleted;
    if (link && !Object.keys(fields).length) {
      skipped.push(row.id);
      continue;
    }
    writes.push({
      outboxId: row.id,
      kind,
      recordId: row.record_id,
      remoteType,
      record: { remoteId: link?.remote_id, junctionId: row.record_id, fields },
      known,
    });
  }
  return { rows, writes, skipped };
}

/** Junction's delete flag as last written (HubSpot answers "true"/"false"; Salesforce and Dataverse booleans). */
const flagOf = (known: KnownState, field: string): boolean => String(known[field]) === 'true';
