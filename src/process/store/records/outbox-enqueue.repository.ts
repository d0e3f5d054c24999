/**
 * A changed unified record is queued (table outbox) for every other enabled connection, in
 * the transaction that changed it, so the change and its delivery commit together.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind } from '../../model';

/** As before the move: any handle that runs a statement (the sync's page code passes a narrowed one). */
type Queryable = Pick<EntityManager, 'query'>;

/** Queues delivery of a record to every other enabled connection, in the same transaction. */
export async function enqueueOutbound(m: Queryable, kind: RecordKind, id: string, exceptConnectionId: string | null, sourceChangedAt: Date | null = null): Promise<void> {
  // A pending row keeps its earliest source time, so latency counts from the first unsent change.
  await m.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at)
     SELECT c.id, $1, $2, $4 FROM connections c WHERE c.enabled AND c.id IS DISTINCT FROM $3
     ON CONFLICT (connection_id, record_kind, record_id) WHERE delivered_at IS NULL DO NOTHING`,
    [kind, id, exceptConnectionId, sourceChangedAt],
  );
}
