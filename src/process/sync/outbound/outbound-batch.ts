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
import type { OutboundRecord, RemoteFields } from '../../../system';
import { mapperFor, mappingProfile } from '../../mapping/registry';
import type { OutboundSnapshot } from '../../mapping/field-map';
import { changedFields, newRecordFields } from '../../mapping/write-diff';
import type { RecordKind } from '../../model';
import type { ConnectionEntity } from '../../store/entities';
import type { KnownState } from '../inbound/known-state';
import { deletePlanFor } from './outbound-deletes';
import type { OutboxEntry } from '../../store/pages/outbox.repository';
import { linksByRecordId } from '../../store/pages/source-link.repository';
import type { Queryable } from '../../store/queryable';
import { loadRecords } from '../../store/records/unified-record.repository';

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
  rows: OutboxEntry[];
  writes: Pending[];
  /** Outbox rows with nothing to write (the record is gone, or deleted and not propagated here). */
  skipped: string[];
}

export async function prepareBatch(m: Queryable, connection: ConnectionEntity, kind: RecordKind, rows: OutboxEntry[]): Promise<PreparedBatch> {
  const profile = mappingProfile(connection.kind);
  const deletes = deletePlanFor(connection);
  const recordIds = rows.map((r) => r.recordId);
  const records = await loadRecords(m, kind, recordIds);
  const links = await linksByRecordId(m, connection.id, recordIds, true);
  const companyIds = [...new Set([...records.values()].map((r) => r.companyId).filter((id): id is string => !!id))];
  const companies = await loadRecords(m, 'COMPANY', companyIds);
  const companyLinks = await linksByRecordId(m, connection.id, companyIds);

  const writes: Pending[] = [];
  const skipped: string[] = [];
  for (const row of rows) {
    const stored = records.get(row.recordId);
    const link = links.get(row.recordId);
    // Deleted records are never hard-deleted elsewhere (SPEC §3); one this CRM never had is not sent at all.
    if (!stored || (stored.deletedAt && (deletes.action === 'NONE' || !link))) {
      skipped.push(row.id);
      continue;
    }
    if (stored.deletedAt && deletes.action === 'ARCHIVE') {
      writes.push({
        outboxId: row.id,
        kind,
        recordId: row.recordId,
        remoteType: link!.remoteType,
        record: { remoteId: link!.remoteId, junctionId: row.recordId, fields: {} },
        archive: true,
        known: link!.known,
      });
      continue;
    }
    const snapshot: OutboundSnapshot = { values: stored.values };
    if (kind === 'CONTACT' && stored.companyId) {
      snapshot.company = { name: companies.get(stored.companyId)?.values.name ?? null, remoteId: companyLinks.get(stored.companyId)?.remoteId };
    }
    const remoteType = link?.remoteType ?? profile.createAs(kind, snapshot);
    const mapper = mapperFor(connection, remoteType);
    const known = link?.known ?? null;
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
      recordId: row.recordId,
      remoteType,
      record: { remoteId: link?.remoteId, junctionId: row.recordId, fields },
      known,
    });
  }
  return { rows, writes, skipped };
}

/** Junction's delete flag as last written (HubSpot answers "true"/"false"; Salesforce and Dataverse booleans). */
const flagOf = (known: KnownState, field: string): boolean => String(known[field]) === 'true';
