/**
 * Delivers a connection's outbox: unified changes become idempotent batched writes (by
 * remote id when linked, else an upsert on Junction's external id), so a write whose answer
 * was lost, or a run retried after a crash, creates no duplicate. Delivered at least once.
 *
 * Set-based and pipelined, so the vendor's rate is the bottleneck, not Junction's database:
 * a batch is loaded and its results recorded in a fixed number of statements; every vendor
 * call of a batch is handed to the connection's limiter at once (which paces them to the
 * vendor's rate); the next batch is loaded while the current one is on the wire, and sent
 * while the current one's results are recorded.
 */
import type { DataSource } from 'typeorm';
import { crmModule, SystemError, type SystemAdapter, type WriteResult } from '../../system';
import type { RecordKind } from '../model';
import type { ConnectionEntity } from '../store/entities';
import { prepareBatch, type OutboxRow, type Pending, type PreparedBatch } from './outbound-batch';
import { recordCallFailure, recordResults, type Answered, type DeliveryOutcome } from './outbound-results';

export type { DeliveryOutcome } from './outbound-results';

const BATCH = 1000;

interface Sent {
  answered: Answered[];
  /** Calls that failed as a whole, with the records they carried. */
  failures: Array<{ pending: Pending[]; error: unknown }>;
}

export async function deliverOutbox(db: DataSource, connection: ConnectionEntity, adapter: SystemAdapter, runId: string): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { written: 0, failed: 0 };
  // Companies first, so contacts can reference the accounts just written.
  for (const kind of ['COMPANY', 'CONTACT'] as const) {
    const load = (afterId: string) => loadBatch(db, connection, kind, afterId);
    let batch = await load('0');
    let inflight = batch && send(connection, adapter, batch);
    while (batch && inflight) {
      // A cursor on the outbox id: each row is tried once per run, even one that stays queued.
      const next = batch.rows.length < BATCH ? undefined : await load(batch.rows[batch.rows.length - 1]!.id);
      const sent = await inflight;
      const stop = sent.failures[0]?.error;
      const nextInflight = next && !stop ? send(connection, adapter, next) : undefined;
      const r = await recordResults(db, connection, runId, sent.answered);
      outcome.written += r.written;
      outcome.failed += r.failed;
      for (const f of sent.failures) await recordCallFailure(db, f.pending, f.error instanceof SystemError ? f.error.message : String(f.error));
      if (batch.skipped.length) await db.query(`UPDATE outbox SET delivered_at = now(), last_error = 'nothing to write' WHERE id = ANY($1::bigint[])`, [batch.skipped]);
      // A whole call failed (network, quota, auth): the rest stays queued, the run reports why.
      if (stop) throw stop;
      batch = next;
      inflight = nextInflight;
    }
  }
  return outcome;
}

async function loadBatch(db: DataSource, connection: ConnectionEntity, kind: RecordKind, afterId: string): Promise<PreparedBatch | undefined> {
  const rows = (await db.query(
    `SELECT id, record_kind, record_id FROM outbox WHERE connection_id = $1 AND record_kind = $2 AND delivered_at IS NULL AND id > $3 ORDER BY id LIMIT ${BATCH}`,
    [connection.id, kind, afterId],
  )) as OutboxRow[];
  if (!rows.length) return undefined;
  return prepareBatch(db.manager, connection, kind, rows);
}

/** Every call of the batch at once; the limiter spaces them. Never rejects: failures are collected. */
async function send(connection: ConnectionEntity, adapter: SystemAdapter, batch: PreparedBatch): Promise<Sent> {
  const size = crmModule(connection.kind).descriptor.writeBatchSize;
  const calls: Pending[][] = [];
  for (const group of groupBy(batch.writes, (p) => p.remoteType).values()) {
    for (let i = 0; i < group.length; i += size) calls.push(group.slice(i, i + size));
  }
  const settled = await Promise.allSettled(calls.map((part) => adapter.upsert(part[0]!.remoteType, part.map((p) => p.record))));
  const sent: Sent = { answered: [], failures: [] };
  settled.forEach((s, i) => {
    const part = calls[i]!;
    if (s.status === 'rejected') sent.failures.push({ pending: part, error: s.reason });
    else part.forEach((pending, k) => sent.answered.push({ pending, result: (s.value as Array<WriteResult | undefined>)[k] }));
  });
  return sent;
}

/** Map.groupBy arrived in Node 21; Junction supports Node 20. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
