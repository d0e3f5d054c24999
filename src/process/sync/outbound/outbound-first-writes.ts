/**
 * A gated run's first writes (run-gate.ts): the first few outbox rows are sent on their own,
 * companies then contacts as any delivery, and nothing more goes out before the gate has
 * judged the CRM's answers. Their results are held until then: when the gate stops the
 * delivery, what was written is recorded and what was refused stays queued (not closed as a
 * failed record), so fixing the cause delivers it.
 */
import type { DataSource } from 'typeorm';
import type { RecordKind } from '../../model';
import type { ConnectionEntity } from '../../store/entities';
import type { PreparedBatch } from './outbound-batch';
import { recordCallFailure, recordResults, type Answered, type DeliveryOutcome } from './outbound-results';

export interface Sent {
  answered: Answered[];
  /** Calls that failed as a whole, with the records they carried. */
  failures: Array<{ pending: Answered['pending'][]; error: unknown }>;
}

/** What the gate judges the first writes with; a reason stops the delivery. */
export interface FirstWrites {
  size: number;
  judge(sent: Sent): Promise<string | undefined>;
}

export interface FirstWritesSent {
  sent: Sent;
  /** Outbox rows with nothing to write, met on the way. */
  skipped: string[];
  /** Per kind, the last outbox id the first writes covered: the rest of the delivery goes on after it. */
  after: Map<RecordKind, string>;
}

/** Loads and sends, kind by kind, until `size` writes were answered, a call failed as a whole, or the outbox is empty. */
export async function sendFirstWrites(
  size: number,
  kinds: readonly RecordKind[],
  load: (kind: RecordKind, afterId: string, limit: number) => Promise<PreparedBatch | undefined>,
  send: (batch: PreparedBatch) => Promise<Sent>,
  /** Called with each kind's answers before the next kind loads (its records may refer to them). */
  afterKind: (answered: Sent['answered']) => Promise<void>,
): Promise<FirstWritesSent> {
  const out: FirstWritesSent = { sent: { answered: [], failures: [] }, skipped: [], after: new Map() };
  for (const kind of kinds) {
    const from = out.sent.answered.length;
    await sendKind(kind);
    await afterKind(out.sent.answered.slice(from));
    if (out.sent.answered.length >= size || out.sent.failures.length) return out;
  }
  return out;

  async function sendKind(kind: RecordKind): Promise<void> {
    for (let afterId = '0'; ; ) {
      const want = size - out.sent.answered.length;
      if (want <= 0 || out.sent.failures.length) return;
      const batch = await load(kind, afterId, want);
      if (!batch) return;
      const part = await send(batch);
      out.sent.answered.push(...part.answered);
      out.sent.failures.push(...part.failures);
      out.skipped.push(...batch.skipped);
      afterId = batch.rows[batch.rows.length - 1]!.id;
      out.after.set(kind, afterId);
      if (batch.rows.length < want) return;
    }
  }
}

/** The gate stopped the delivery: what was written is recorded, what was refused waits, as it is not the records' fault. */
export async function keepRefusedQueued(db: DataSource, connection: ConnectionEntity, runId: string, sent: Sent, reason: string): Promise<DeliveryOutcome> {
  const written = sent.answered.filter((a) => a.result?.ok && a.result.remoteId);
  const recorded = await recordResults(db, connection, runId, written);
  const refused = [...sent.answered.filter((a) => !written.includes(a)).map((a) => a.pending), ...sent.failures.flatMap((f) => f.pending)];
  await recordCallFailure(db, refused, reason);
  return { written: recorded.written, failed: refused.length, blocked: reason };
}
