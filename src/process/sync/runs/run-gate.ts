/**
 * The test-batch gate (SPEC §3 sync runs; issue #4 item 6, issue #13 item 3): a new
 * connection's, or a changed mapping's, first full run tests first — its first 10 records end
 * to end. The connection keeps the mapping version (mappingVersion: base mappers and its custom
 * fields) its last passing test batch ran with; a full run (INCREMENTAL or BULK, not a dry run)
 * for any other version runs the batch inline first. An explicit passing TEST_BATCH run counts
 * too.
 *
 * The gate is there to catch what is systemic — a fault of the connection or of its mapping,
 * which every further record would meet as well — never a record's own: the quarantine exists
 * so that bad records never hold good ones back. So an individually invalid record in the batch
 * is quarantined and the run goes on. The gate stops the run only when
 * - ACCESS: the CRM refuses Junction while the batch is read (authentication, permission);
 * - MAPPING: the mapping cannot read an object — the CRM refuses the read as invalid and no
 *   schema drift explains it (an unknown object or field), or a field the mapper derives values
 *   from is missing, so the object cannot be pulled at all;
 * - QUARANTINE: more than half of the batch is quarantined, and at least three records — a
 *   mapping that reads the wrong fields, or a rule that does not fit this CRM, fails every
 *   record alike, while invalid records scattered through a CRM rarely fill six of ten by
 *   chance (at 8 % invalid about once in 24,000 first syncs, at 20 % once in 160); one or two
 *   invalid records in a nearly empty CRM are not a pattern;
 * - WRITES: the CRM refuses most of the gated run's first writes for a reason that is not the
 *   records' own (gate-verdict.ts firstWritesVerdict).
 *
 * Why writes are judged in the full run, not in the batch: the batch reads and stores its
 * records but does not deliver (sync-engine.ts testBatch — the outbox holds other records, and
 * before the full pull has linked the CRM's existing records a delivery would create a second
 * copy of them). So the gated run pulls everything, then sends its first FIRST_WRITES writes
 * (companies, then contacts, as every delivery) on their own and waits for the CRM's answers
 * before sending more (outbound-first-writes.ts). A write refused for what the record holds (a
 * value the CRM rejects, a duplicate it already has) is a failed record, as in any run. Most
 * writes refused as not Junction's to make (authentication, permission), or most refused with
 * one and the same answer by at least three records (a read-only field the mapping writes:
 * about what Junction sends, not what the records hold), stop the delivery: the refused records
 * stay queued (not closed as failed — fixing the cause delivers them) and the run ends PARTIAL
 * (FAILED when it read nothing) with the reason. Transient failures are never judged; the
 * retry policy deals with them, and they lift no block.
 *
 * When the gate stops a run it records a block (sync-blocks.ts: cause, reason, the records) and
 * logs it (code SYNC_BLOCKED); the SYNC_BLOCKED alert is raised from the block and resolved once
 * a later run passes: a passing batch lifts an ACCESS, MAPPING or QUARANTINE block, passing
 * first writes lift any. Until a WRITES block is lifted every full run probes its first writes
 * — a passing explicit TEST_BATCH proves reads only.
 */
import type { DataSource } from 'typeorm';
import { logError } from '../../health/error-log';
import { mappingVersion } from '../../mapping/registry';
import type { ConnectionEntity, SyncRunEntity } from '../../store/entities';
import { batchVerdict, firstWritesVerdict, readErrorVerdict, type Verdict } from './gate-verdict';
import type { FirstWrites, Sent } from '../outbound/outbound-first-writes';
import { recordTestBatchPassed } from '../../store/connections/connection.repository';
import { blockOf, clearBlock, recordBlock, type BlockedRecord } from '../../store/runs/sync-block.repository';
import { databaseNow, quarantinedSince } from '../../store/runs/test-batch.repository';

export interface TestBatchTotals {
  read: number;
  written: number;
  failed: number;
  quarantined: number;
}

/** What the engine gives the gate: its TEST_BATCH pass, and the objects that pass found unreadable. */
export interface TestBatch {
  run(): Promise<TestBatchTotals>;
  unreadable(): string[];
}

export type GateOutcome = { pass: true; firstWrites?: FirstWrites } | { pass: false; reason: string };

/** Writes sent on their own, and judged, before a gated run's delivery goes on: as many as the test batch reads. */
const FIRST_WRITES = 10;
/** Blocks a passing test batch lifts; a WRITES block waits for passing writes. */
const READ_CAUSES = ['ACCESS', 'MAPPING', 'QUARANTINE'] as const;
const SYNC_BLOCKED_CODE = 'SYNC_BLOCKED';

/** Full runs of a mapping version without a passing test batch must test first. */
export function needsTestBatch(run: Pick<SyncRunEntity, 'mode' | 'dryRun'>, connection: ConnectionEntity): boolean {
  if (run.dryRun || run.mode === 'TEST_BATCH') return false;
  return connection.testedMappingVersion !== mappingVersion(connection);
}

/** An explicit TEST_BATCH run passes unless more than half of it was quarantined (the gate's own measure). */
export const testBatchPassed = (t: TestBatchTotals): boolean => t.failed === 0 && batchVerdict({ ...t, unreadable: [] }) === null;

/**
 * Runs the test batch when the run needs one and decides: the full run goes on (with its first
 * writes judged when the batch ran or a WRITES block waits), or stops for a systemic reason.
 * An error the batch's read met is rethrown after a systemic one is recorded, so the engine
 * handles it as any stopped run (pausing on refused credentials, retrying a transient one).
 */
export async function gateFullRun(db: DataSource, run: SyncRunEntity, connection: ConnectionEntity, batch: TestBatch): Promise<GateOutcome> {
  if (run.dryRun || run.mode === 'TEST_BATCH') return { pass: true };
  if (!needsTestBatch(run, connection)) return { pass: true, firstWrites: (await blockOf(db, connection.id))?.cause === 'WRITES' ? firstWrites(db, run, connection) : undefined };
  const since = await databaseNow(db);
  let read: TestBatchTotals;
  try {
    read = await batch.run();
  } catch (err) {
    const verdict = readErrorVerdict(err);
    if (verdict) await block(db, run, connection, verdict, []);
    throw err;
  }
  // A record a person discarded from quarantine stays out without blocking: only entries still waiting count.
  const quarantined = await quarantinedSince(db, connection.id, since);
  const verdict = batchVerdict({ read: read.read, quarantined: quarantined.length, unreadable: batch.unreadable() });
  if (!verdict) {
    await recordPassingTestBatch(db, connection);
    return { pass: true, firstWrites: firstWrites(db, run, connection) };
  }
  await block(db, run, connection, verdict, verdict.cause === 'QUARANTINE' ? quarantined : []);
  return { pass: false, reason: `${verdict.errorClass}: test batch failed (${quarantined.length} quarantined of ${read.read} read); the full run did not start: ${verdict.reason}` };
}

/** Remembers that this connection's current mapping passed a test batch; the blocks a read can lift go. */
export async function recordPassingTestBatch(db: DataSource, connection: ConnectionEntity): Promise<void> {
  const version = mappingVersion(connection);
  await recordTestBatchPassed(db, connection.id, version);
  connection.testedMappingVersion = version;
  await clearBlock(db, connection.id, READ_CAUSES);
}

/** The judge of a gated run's first writes: a systemic refusal blocks, anything else lifts the block. */
function firstWrites(db: DataSource, run: SyncRunEntity, connection: ConnectionEntity): FirstWrites {
  return {
    size: FIRST_WRITES,
    async judge(sent: Sent) {
      const answers = sent.answered.map((a) => ({ ok: !!(a.result?.ok && a.result.remoteId), ...a.result?.error }));
      const verdict = firstWritesVerdict(answers, sent.failures[0]?.error);
      if (!verdict) {
        // Only answered writes prove the CRM takes them: an empty outbox or a network failure lifts nothing.
        if (answers.length) await clearBlock(db, connection.id);
        return undefined;
      }
      const refused: BlockedRecord[] = [
        ...sent.answered
          .filter((a) => !(a.result?.ok && a.result.remoteId))
          .map((a) => ({ type: a.pending.remoteType, id: a.pending.record.remoteId ?? a.pending.recordId, problem: `${a.result?.error?.code ?? 'NO_RESULT'}: ${a.result?.error?.message ?? 'no answer'}` })),
        ...sent.failures.flatMap((f) => f.pending.map((p) => ({ type: p.remoteType, id: p.record.remoteId ?? p.recordId, problem: verdict.reason }))),
      ];
      await block(db, run, connection, verdict, refused);
      return `${verdict.errorClass}: sync blocked after the first writes: ${verdict.reason}`;
    },
  };
}

/**
 * Records the block, and logs it (one error-log row per cause, naming the records) unless the
 * stop is logged already: a refused read by the engine's failure handling, a missing field by
 * the schema watch.
 */
async function block(db: DataSource, run: SyncRunEntity, connection: ConnectionEntity, verdict: Verdict, records: BlockedRecord[]): Promise<void> {
  await recordBlock(db, connection.id, run.id, verdict.cause, verdict.reason, records);
  if (verdict.cause === 'ACCESS' || verdict.cause === 'MAPPING') return;
  await logError(db.manager, {
    connectionId: connection.id,
    runId: run.id,
    errorClass: verdict.errorClass,
    code: SYNC_BLOCKED_CODE,
    message: `sync blocked (${verdict.cause}): ${verdict.reason}`,
    endpoint: `gate ${verdict.cause}`,
    recordIds: records.map((r) => r.id).filter((id): id is string => !!id),
  });
}
