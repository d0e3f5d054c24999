/**
 * Turns one batch of outbox rows into vendor writes with a fixed number of queries, whatever
 * the batch size: the records, then (for contacts) their companies and those companies'
 * links in this connection. Per-row loading kept the vendor idle while Junction read its own
 * database (BENCHMARKS.md scenario 8).
 */
import type { EntityManager } from 'typeorm';
import type { OutboundRecord } from '../../system';
import { mapperFor, mappingProfile } from '../mapping/registry';
import type { OutboundSnapshot } from '../mapping/field-map';
import type { RecordKind } from '../model';
import type { ConnectionEntity } from '../store/entities';
import { deletePlanFor } from './outbound-deletes';
import { loadRecords } from './record-store';

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
}

async function linksOf(m: EntityManager, connectionId: string, recordIds: string[]): Promise<Map<string, LinkRow>> {
  if (!recordIds.length) return new Map();
  const rows = (await m.query(`SELECT record_id, remote_type, remote_id FROM source_links WHERE connection_id = $1 AND record_id = ANY($2)`, [
    connectionId,
    recordIds,
  ])) as LinkRow[];
  return new Map(rows.map((l) => [l.record_id, l]));
}

export async function prepareBatch(m: EntityManager, connection: ConnectionEntity, kind: RecordKind, rows: OutboxRow[]): Promise<PreparedBatch> {
  const profile = mappingProfile(connection.kind);
  const deletes = deletePlanFor(connection);
  const recordIds = rows.map((r) => r.record_id);
  const records = await loadRecords(m, kind, recordIds);
  const links = await linksOf(m, connection.id, recordIds);
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
      });
      continue;
    }
    const snapshot: OutboundSnapshot = { values: stored.values };
    if (kind === 'CONTACT' && stored.companyId) {
      snapshot.company = { name: companies.get(stored.companyId)?.values.name ?? null, remoteId: companyLinks.get(stored.companyId)?.remote_id };
    }
    const remoteType = link?.remote_type ?? profile.createAs(kind, snapshot);
    const fields = mapperFor(connection, remoteType).toRemote(snapshot);
    if (deletes.flagField) fields[deletes.flagField] = stored.deletedAt !== null;
    writes.push({ outboxId: row.id, kind, recordId: row.record_id, remoteType, record: { remoteId: link?.remote_id, junctionId: row.record_id, fields } });
  }
  return { rows, writes, skipped };
}
