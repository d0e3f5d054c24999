/**
 * The dry test batch a field-mapping version is tried with before it is written: the CRM's
 * first 10 records (from the start, not from the sync's cursor, so there is always something
 * to try), read with the version's mappers and put through the real inbound pipeline
 * (mapping, normalization, validation rules, matching) inside a transaction that is always
 * rolled back — records Junction already holds included, as if they had changed. Nothing is kept; the counts and the gate's verdict are.
 */
import { NO_EVENTS } from '../events';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { SystemAdapter } from '../../system';
import type { ConnectionEntity } from '../store/entities';
import { fieldOwners } from '../store/records/field-owner.repository';
import { applyInboundPage } from '../sync/inbound/inbound';
import { batchVerdict } from '../sync/runs/gate-verdict';
import { mappersFor } from './registry';

export const MAPPING_TEST_BATCH_SIZE = 10;

/**
 * A key no CRM sends, added to the fields a record's content hash covers: every record then
 * differs from what Junction last exchanged, so a linked one is mapped and applied again
 * under the new mapping instead of being skipped as unchanged.
 */
const REMAP_MARK = 'junction:mapping-test-batch';

export interface MappingTestBatch {
  /** SUCCEEDED: the sync's own gate would let a full run start with this mapping; FAILED: it would not, or the CRM refused the read. */
  status: 'SUCCEEDED' | 'FAILED';
  recordsRead: number;
  recordsQuarantined: number;
  /** Why it failed. */
  reason: string | null;
}

/** Thrown inside the batch's transaction so nothing it did is kept. */
class DryRollback extends Error {}

export async function runMappingTestBatch(db: DataSource, connection: ConnectionEntity, adapter: SystemAdapter): Promise<MappingTestBatch> {
  const totals = { read: 0, quarantined: 0 };
  try {
    await db.transaction(async (m) => {
      for (const mapper of mappersFor(connection)) {
        if (totals.read >= MAPPING_TEST_BATCH_SIZE) break;
        const probe = { ...mapper, remoteFields: [...mapper.remoteFields, REMAP_MARK] };
        // Rolled back: nothing of it may be announced (NO_EVENTS).
        const ctx = { connectionId: connection.id, runId: randomUUID(), mapper: probe, events: NO_EVENTS, rules: { owners: await fieldOwners(m, mapper.kind), verified: new Set<string>() } };
        for await (const page of adapter.listChanged(mapper.remoteType, null, { fields: mapper.remoteFields, pageSize: MAPPING_TEST_BATCH_SIZE })) {
          const outcome = await applyInboundPage(m as EntityManager, ctx, page.records.slice(0, MAPPING_TEST_BATCH_SIZE - totals.read));
          totals.read += outcome.read;
          totals.quarantined += outcome.quarantined;
          break; // the first page is the batch
        }
      }
      throw new DryRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRollback)) return { status: 'FAILED', recordsRead: totals.read, recordsQuarantined: totals.quarantined, reason: err instanceof Error ? err.message : String(err) };
  }
  const verdict = batchVerdict({ ...totals, unreadable: [] });
  return { status: verdict ? 'FAILED' : 'SUCCEEDED', recordsRead: totals.read, recordsQuarantined: totals.quarantined, reason: verdict?.reason ?? null };
}
