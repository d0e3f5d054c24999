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
 *
 * A delivery larger than the connection's bulk threshold goes through the vendor's bulk
 * ingest instead (Salesforce Bulk API 2.0: a handful of calls per 10,000 records instead of
 * one per 200), in batches of one job each; results are recorded the same way.
 */
import type { DataSource } from 'typeorm';
import { crmModule, SystemError, type SystemAdapter, type WriteResult } from '../../../system';
import type { RecordKind } from '../../model';
import type { ConnectionEntity } from '../../store/entities';
import { markNothingToWrite, pendingAfter, pendingExceeds } from '../../store/pages/outbox.repository';
import { prepareBatch, type Pending, type PreparedBatch } from './outbound-batch';
import { keepRefusedQueued, sendFirstWrites, type FirstWrites, type Sent } from './outbound-first-writes';
import { recordCallFailure, recordResults, type Answered, type DeliveryOutcome } from './outbound-results';
import { throwIfInterrupted } from '../runs/run-interruption';

export type { DeliveryOutcome } from './outbound-results';

const BATCH = 1000;
/** Records per batch in bulk mode: one ingest job's worth (Salesforce processes about 10,000 per internal batch). */
const BULK_BATCH = 10_000;

/** Companies first, so contacts can reference the accounts just written. */
const KINDS = ['COMPANY', 'CONTACT'] as const;

/**
 * `firstWrites`: a gated run's (run-gate.ts) — the first writes go out alone and are judged before the rest.
 * `signal`: Junction is stopping; the batch on the wire is recorded and no further one is sent.
 */
export async function deliverOutbox(
  db: DataSource,
  connection: ConnectionEntity,
  adapter: SystemAdapter,
  runId: string,
  options: { firstWrites?: FirstWrites; signal?: AbortSignal } = {},
): Promise<DeliveryOutcome> {
  const { firstWrites, signal } = options;
  const outcome: DeliveryOutcome = { written: 0, failed: 0 };
  let start = new Map<RecordKind, string>();
  if (firstWrites) {
    // Contacts are prepared with their companies' links: the companies written first are linked
    // before the contacts load, or a new contact would go without its company (and get it in a
    // second write). Only successes are recorded early; refusals wait for the gate's verdict.
    const recorded = new Set<Answered>();
    const recordWritten = async (answered: Answered[]) => {
      const written = answered.filter((a) => a.result?.ok && a.result.remoteId);
      outcome.written += (await recordResults(db, connection, runId, written)).written;
      for (const a of written) recorded.add(a);
    };
    const first = await sendFirstWrites(
      firstWrites.size,
      KINDS,
      (kind, afterId, limit) => loadBatch(db, connection, kind, afterId, limit),
      (b) => send(connection, adapter, b),
      recordWritten,
    );
    const blocked = await firstWrites.judge(first.sent);
    const rest: Sent = { answered: first.sent.answered.filter((a) => !recorded.has(a)), failures: first.sent.failures };
    if (blocked) {
      const kept = await keepRefusedQueued(db, connection, runId, rest, blocked);
      return { ...kept, written: kept.written + outcome.written };
    }
    await recordSent(db, connection, runId, rest, first.skipped, outcome);
    start = first.after;
  }
  for (const kind of KINDS) {
    const bulk = await useBulk(db, connection, adapter, kind);
    const size = bulk ? BULK_BATCH : BATCH;
    const load = (afterId: string) => loadBatch(db, connection, kind, afterId, size);
    const sendBatch = (b: PreparedBatch) => (bulk ? sendBulk(connection, adapter, b) : send(connection, adapter, b));
    let batch = await load(start.get(kind) ?? '0');
    let inflight = batch && sendBatch(batch);
    while (batch && inflight) {
      // A cursor on the outbox id: each row is tried once per run, even one that stays queued.
      const next = batch.rows.length < size ? undefined : await load(batch.rows[batch.rows.length - 1]!.id);
      const sent = await inflight;
      const nextInflight = next && !sent.failures.length && !signal?.aborted ? sendBatch(next) : undefined;
      await recordSent(db, connection, runId, sent, batch.skipped, outcome);
      throwIfInterrupted(signal);
      batch = next;
      inflight = nextInflight;
    }
  }
  return outcome;
}

/** Records a batch's answers into `outcome`; a call that failed as a whole (network, quota, auth) leaves the rest queued and stops the delivery. */
async function recordSent(db: DataSource, connection: ConnectionEntity, runId: string, sent: Sent, skipped: string[], outcome: DeliveryOutcome): Promise<void> {
  const r = await recordResults(db, connection, runId, sent.answered);
  outcome.written += r.written;
  outcome.failed += r.failed;
  for (const f of sent.failures) await recordCallFailure(db, f.pending, f.error instanceof SystemError ? f.error.message : String(f.error));
  if (skipped.length) await markNothingToWrite(db, skipped);
  const stop = sent.failures[0]?.error;
  if (stop) throw stop;
}

/** Bulk ingest when the adapter has one and more records wait than the connection's threshold. */
async function useBulk(db: DataSource, connection: ConnectionEntity, adapter: SystemAdapter, kind: RecordKind): Promise<boolean> {
  if (!adapter.bulkUpsert) return false;
  const setting = connection.settings?.bulkIngestThreshold;
  const threshold = typeof setting === 'number' && Number.isInteger(setting) && setting >= 0 ? setting : adapter.bulkIngestThreshold;
  if (threshold === undefined) return false;
  return pendingExceeds(db, connection.id, kind, threshold);
}

async function loadBatch(db: DataSource, connection: ConnectionEntity, kind: RecordKind, afterId: string, size: number): Promise<PreparedBatch | undefined> {
  const rows = await pendingAfter(db, connection.id, kind, afterId, size);
  if (!rows.length) return undefined;
  return prepareBatch(db.manager, connection, kind, rows);
}

/**
 * The batch's calls, one at a time (the limiter spaces them to the vendor's rate). Never
 * rejects: a call that fails as a whole is collected, and the calls after it are not sent.
 * One call in flight per connection, because a call sent while another is on the wire can
 * land inside the back-off window a 429 to the first opened before Junction saw it; the
 * overlap that keeps the vendor busy is with Junction's own database work instead.
 */
async function send(connection: ConnectionEntity, adapter: SystemAdapter, batch: PreparedBatch): Promise<Sent> {
  const size = crmModule(connection.kind).descriptor.writeBatchSize;
  const calls: Array<{ part: Pending[]; call: () => Promise<WriteResult[]> }> = [];
  for (const group of groupBy(batch.writes, callKey).values()) {
    for (let i = 0; i < group.length; i += size) {
      const part = group.slice(i, i + size);
      calls.push({ part, call: () => (part[0]!.archive ? archive(adapter, part) : adapter.upsert(part[0]!.remoteType, records(part))) });
    }
  }
  return sendInTurn(calls);
}

/** One bulk ingest per remote type (the adapter splits jobs by its own limits); archives as usual. */
async function sendBulk(connection: ConnectionEntity, adapter: SystemAdapter, batch: PreparedBatch): Promise<Sent> {
  const groups = [
    ...groupBy(
      batch.writes.filter((p) => !p.archive),
      (p) => p.remoteType,
    ).values(),
  ];
  const sent = await sendInTurn(groups.map((part) => ({ part, call: () => adapter.bulkUpsert!(part[0]!.remoteType, records(part)) })));
  const archives = batch.writes.filter((p) => p.archive);
  if (!archives.length || sent.failures.length) return sent;
  const archived = await send(connection, adapter, { ...batch, writes: archives });
  return { answered: [...sent.answered, ...archived.answered], failures: archived.failures };
}

async function sendInTurn(calls: Array<{ part: Pending[]; call: () => Promise<WriteResult[]> }>): Promise<Sent> {
  const sent: Sent = { answered: [], failures: [] };
  for (const { part, call } of calls) {
    try {
      const results: Array<WriteResult | undefined> = await call();
      part.forEach((pending, k) => sent.answered.push({ pending, result: results[k] }));
    } catch (error) {
      sent.failures.push({ pending: part, error });
      break;
    }
  }
  return sent;
}

const records = (part: Pending[]) => part.map((p) => p.record);

/** Writes and archives go in separate calls, per remote type. */
const callKey = (p: Pending) => `${p.archive ? 'archive' : 'write'}\u0000${p.remoteType}`;

/** Archive answers carry no Junction id; they come back in the order asked. */
async function archive(adapter: SystemAdapter, part: Pending[]): Promise<WriteResult[]> {
  const results = await adapter.archive(
    part[0]!.remoteType,
    part.map((p) => p.record.remoteId!),
  );
  return results.map((r, i) => ({ ...r, junctionId: part[i]!.recordId, remoteId: r.remoteId ?? part[i]!.record.remoteId }));
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
