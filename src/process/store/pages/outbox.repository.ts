/**
 * The outbox as sync pages fill and deliveries drain it (table outbox): one pending row per
 * connection and record (a partial unique index), so queueing a record that waits already is
 * a no-op and the earliest source time stays. Every statement is set-based: a page or a
 * delivery batch costs the same few statements whatever its size.
 */
import type { RecordKind } from '../../model';
import type { Queryable } from '../queryable';

/** A pending outbox row: the record to deliver to the row's connection. */
export interface OutboxEntry {
  /** bigint, as text. */
  id: string;
  kind: RecordKind;
  recordId: string;
}

export interface Enqueue {
  kind: RecordKind;
  recordId: string;
  /** The connection the change came from (not written back to), or null for every connection. */
  except: string | null;
  changedAt: Date | null;
}

/** Queues each record for every enabled connection but its `except`. */
export async function enqueueForOthers(q: Queryable, rows: readonly Enqueue[]): Promise<void> {
  await q.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at)
     SELECT c.id, x.kind, x.record_id, x.at FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::timestamptz[]) AS x(kind, record_id, except_id, at)
     JOIN connections c ON c.enabled AND c.id IS DISTINCT FROM x.except_id
     ON CONFLICT (connection_id, record_kind, record_id) WHERE delivered_at IS NULL DO NOTHING`,
    [rows.map((r) => r.kind), rows.map((r) => r.recordId), rows.map((r) => r.except), rows.map((r) => r.changedAt)],
  );
}

/** Queues these records for one connection (the CRM that refused them gets the store's values back). */
export async function enqueueFor(q: Queryable, connectionId: string, records: ReadonlyArray<{ kind: RecordKind; recordId: string }>): Promise<void> {
  await q.query(
    `INSERT INTO outbox (connection_id, record_kind, record_id) SELECT $1, x.kind, x.id FROM unnest($2::text[], $3::uuid[]) AS x(kind, id)
       ON CONFLICT (connection_id, record_kind, record_id) WHERE delivered_at IS NULL DO NOTHING`,
    [connectionId, records.map((r) => r.kind), records.map((r) => r.recordId)],
  );
}

/** True when more than `threshold` rows of the kind wait for the connection (counts no further). */
export async function pendingExceeds(q: Queryable, connectionId: string, kind: RecordKind, threshold: number): Promise<boolean> {
  const rows = (await q.query(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM outbox WHERE connection_id = $1 AND record_kind = $2 AND delivered_at IS NULL LIMIT $3) x`,
    [connectionId, kind, threshold + 1],
  )) as Array<{ n: number }>;
  return rows[0]!.n > threshold;
}

/** The next `size` pending rows of the kind after outbox id `afterId`, in id order. */
export async function pendingAfter(q: Queryable, connectionId: string, kind: RecordKind, afterId: string, size: number): Promise<OutboxEntry[]> {
  const rows = (await q.query(
    `SELECT id, record_kind, record_id FROM outbox WHERE connection_id = $1 AND record_kind = $2 AND delivered_at IS NULL AND id > $3 ORDER BY id LIMIT ${size}`,
    [connectionId, kind, afterId],
  )) as Array<{ id: string; record_kind: RecordKind; record_id: string }>;
  return rows.map((r) => ({ id: r.id, kind: r.record_kind, recordId: r.record_id }));
}

export async function markDelivered(q: Queryable, ids: readonly string[]): Promise<void> {
  await q.query(`UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`, [ids]);
}

/** Rows with nothing to write (the record is gone, or deleted and not propagated): closed, not attempted. */
export async function markNothingToWrite(q: Queryable, ids: readonly string[]): Promise<void> {
  await q.query(`UPDATE outbox SET delivered_at = now(), last_error = 'nothing to write' WHERE id = ANY($1::bigint[])`, [ids]);
}

/** Records refused one by one: each counts an attempt and keeps its error; a `final` one is closed. */
export async function markFailed(q: Queryable, failures: ReadonlyArray<{ id: string; error: string; final: boolean }>): Promise<void> {
  await q.query(
    `UPDATE outbox o SET attempts = o.attempts + 1, last_error = x.err, delivered_at = CASE WHEN x.final THEN now() ELSE NULL END
       FROM unnest($1::bigint[], $2::text[], $3::boolean[]) AS x(id, err, final) WHERE o.id = x.id`,
    [failures.map((f) => f.id), failures.map((f) => f.error), failures.map((f) => f.final)],
  );
}

/** A call failed as a whole: its rows count an attempt and stay queued. */
export async function markAttempted(q: Queryable, ids: readonly string[], error: string): Promise<void> {
  await q.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`, [ids, error]);
}
