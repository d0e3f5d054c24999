/**
 * Record-by-record reconciliation of the store against each CRM: a full export compared
 * with the source links and the stored values. It finds what incremental sync cannot see —
 * a record deleted with no delete event, a field changed without its modification stamp
 * moving, a record never pulled.
 */
import type { SystemAdapter } from '../../system';
import type { ConnectionService } from '../connections/connection.service';
import { mappersFor } from '../mapping/registry';
import type { ContactField, UnifiedValue } from '../model';
import { normalizeContact } from '../normalize/contact-normalizer';
import type { ConnectionEntity } from '../store/entities';
import { linkedRecords, quarantinedRemoteIds } from '../store/ops/reconciliation.read-model';
import type { Queryable } from '../store/queryable';

export type DiscrepancyKind = 'MISSING_REMOTELY' | 'MISSING_LOCALLY' | 'FIELD_MISMATCH';

export interface DiscrepancyExample {
  kind: DiscrepancyKind;
  remoteType: string;
  remoteId: string;
  recordId: string | null;
  field?: string;
  store?: UnifiedValue;
  crm?: UnifiedValue;
}

export interface ConnectionDiscrepancies {
  connectionId: string;
  connectionName: string;
  /** Linked in the store, live there, absent from the CRM. */
  missingRemotely: number;
  /** In the CRM, never linked and not waiting in quarantine. */
  missingLocally: number;
  /** Linked records whose CRM value differs from the store's (no delivery pending). */
  fieldMismatches: number;
  examples: DiscrepancyExample[];
  /** Set when the CRM could not be read; the counts are then zero, not "clean". */
  error: string | null;
}

const MAX_EXAMPLES = 50;
/** Contact fields compared; ones a mapper does not read are skipped for that CRM. */
const COMPARED: ContactField[] = ['email', 'firstName', 'lastName', 'phone', 'title', 'city', 'state', 'country', 'postalCode'];

/** `adapter` is a factory: opening the credentials can fail too, and that belongs in the report. */
export async function reconcileConnection(db: Queryable, connection: ConnectionEntity, adapterOf: () => SystemAdapter, signal?: AbortSignal): Promise<ConnectionDiscrepancies> {
  const out: ConnectionDiscrepancies = { connectionId: connection.id, connectionName: connection.name, missingRemotely: 0, missingLocally: 0, fieldMismatches: 0, examples: [], error: null };
  const note = (e: DiscrepancyExample) => out.examples.length < MAX_EXAMPLES && out.examples.push(e);
  let adapter: SystemAdapter;
  try {
    adapter = adapterOf();
  } catch {
    out.error = 'the credentials could not be opened (another master key?)';
    return out;
  }
  try {
    for (const mapper of mappersFor(connection)) {
      const links = await linkedRecords(db, connection.id, mapper.remoteType, mapper.kind);
      const quarantined = await quarantinedRemoteIds(db, connection.id, mapper.remoteType);
      const seen = new Set<string>();
      for await (const page of adapter.bulkExport(mapper.remoteType, { fields: mapper.remoteFields })) {
        signal?.throwIfAborted();
        for (const remote of page.records) {
          if (remote.deleted) continue;
          seen.add(remote.remoteId);
          const link = links.get(remote.remoteId);
          const { record, issues } = mapper.toUnified(remote.fields);
          if (!link) {
            const convertedAway = record.kind === 'CONTACT' && record.convertedTo !== undefined;
            if (!convertedAway && issues.length === 0 && !quarantined.has(remote.remoteId)) {
              out.missingLocally++;
              note({ kind: 'MISSING_LOCALLY', remoteType: mapper.remoteType, remoteId: remote.remoteId, recordId: null });
            }
            continue;
          }
          // Deleted in the store (a soft delete propagates as archive) or a delivery in flight: not a discrepancy.
          if (record.kind !== 'CONTACT' || !link.alive || link.pending) continue;
          const values = normalizeContact(record.values).values;
          for (const field of COMPARED) {
            if (!(field in record.values)) continue;
            const crm = values[field] ?? null;
            const store = link.values[field] ?? null;
            if (crm !== store) {
              out.fieldMismatches++;
              note({ kind: 'FIELD_MISMATCH', remoteType: mapper.remoteType, remoteId: remote.remoteId, recordId: link.recordId, field, store, crm });
            }
          }
        }
      }
      for (const [remoteId, link] of links) {
        if (seen.has(remoteId) || !link.alive) continue;
        out.missingRemotely++;
        note({ kind: 'MISSING_REMOTELY', remoteType: mapper.remoteType, remoteId, recordId: link.recordId });
      }
    }
  } catch (err) {
    // A stopped audit is not a finding about this CRM.
    if (signal?.aborted) throw err;
    out.error = err instanceof Error ? err.message : String(err);
  }
  return out;
}

export async function reconcileAll(db: Queryable, connections: Pick<ConnectionService, 'list' | 'adapterFor'>, signal?: AbortSignal): Promise<ConnectionDiscrepancies[]> {
  const out: ConnectionDiscrepancies[] = [];
  // One CRM at a time: each export is paged and rate-limited by its own adapter.
  for (const c of await connections.list()) if (c.enabled) out.push(await reconcileConnection(db, c, () => connections.adapterFor(c), signal));
  return out;
}
