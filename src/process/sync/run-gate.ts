/**
 * The test-batch gate (SPEC §3 sync runs, issue #4 item 6): a new connection's, or a changed
 * mapping's, first full run starts only after a passing test batch — the first 10 records end
 * to end. The connection keeps the mapping version (mappingVersion: base mappers and its
 * custom fields) its last passing test batch ran with. A full run (INCREMENTAL or BULK, not a
 * dry run) for any other version runs a test batch inline first: when that batch quarantines
 * or fails a record, the full run stops FAILED with the reasons and the version stays
 * untested, so the next attempt tests again (a record a person discarded from quarantine no
 * longer blocks it). An explicit passing TEST_BATCH run counts too.
 */
import type { DataSource } from 'typeorm';
import { mappingVersion } from '../mapping/registry';
import type { ConnectionEntity, SyncRunEntity } from '../store/entities';

export interface TestBatchTotals {
  read: number;
  written: number;
  failed: number;
  quarantined: number;
}

export type GateOutcome = { pass: true; tested: boolean } | { pass: false; reason: string };

const MAX_REASONS = 5;

/** Full runs of a mapping version without a passing test batch must test first. */
export function needsTestBatch(run: Pick<SyncRunEntity, 'mode' | 'dryRun'>, connection: ConnectionEntity): boolean {
  if (run.dryRun || run.mode === 'TEST_BATCH') return false;
  return connection.testedMappingVersion !== mappingVersion(connection);
}

export const testBatchPassed = (t: TestBatchTotals): boolean => t.quarantined === 0 && t.failed === 0;

/**
 * Runs the test batch when the run needs one (`runTestBatch` is the engine's own TEST_BATCH
 * pass) and records the outcome; the full run goes on only when it passed.
 */
export async function gateFullRun(
  db: DataSource,
  run: SyncRunEntity,
  connection: ConnectionEntity,
  runTestBatch: () => Promise<TestBatchTotals>,
): Promise<GateOutcome> {
  if (!needsTestBatch(run, connection)) return { pass: true, tested: false };
  const since = await dbNow(db);
  const read = await runTestBatch();
  // A record a person discarded from quarantine stays out without blocking: only entries still waiting count.
  const totals = { ...read, quarantined: await pendingSince(db, connection.id, since) };
  if (testBatchPassed(totals)) {
    await recordPassingTestBatch(db, connection);
    return { pass: true, tested: true };
  }
  const reasons = await failureReasons(db, connection.id, run.id, since);
  const counts = `${totals.quarantined} quarantined, ${totals.failed} failed of ${totals.read} read`;
  return { pass: false, reason: `VALIDATION: test batch failed (${counts}); the full run did not start: ${reasons.join(' | ') || 'no reason was recorded'}` };
}

/** Remembers that this connection's current mapping passed a test batch. */
export async function recordPassingTestBatch(db: DataSource, connection: ConnectionEntity): Promise<void> {
  const version = mappingVersion(connection);
  await db.query(`UPDATE connections SET tested_mapping_version = $2, test_batch_passed_at = now() WHERE id = $1`, [connection.id, version]);
  connection.testedMappingVersion = version;
}

async function pendingSince(db: DataSource, connectionId: string, since: Date): Promise<number> {
  const rows = (await db.query(`SELECT count(*)::int AS n FROM quarantine WHERE connection_id = $1 AND status = 'PENDING' AND updated_at >= $2`, [
    connectionId,
    since,
  ])) as Array<{
    n: number;
  }>;
  return rows[0]?.n ?? 0;
}

async function dbNow(db: DataSource): Promise<Date> {
  const rows = (await db.query(`SELECT now() AS t`)) as Array<{ t: Date }>;
  return new Date(rows[0]!.t);
}

/** What went wrong in the batch: the quarantined records' issues, then failed writes. */
async function failureReasons(db: DataSource, connectionId: string, runId: string, since: Date): Promise<string[]> {
  const quarantined = (await db.query(
    `SELECT remote_type, remote_id, issues FROM quarantine WHERE connection_id = $1 AND status = 'PENDING' AND updated_at >= $2 ORDER BY updated_at LIMIT ${MAX_REASONS}`,
    [connectionId, since],
  )) as Array<{ remote_type: string | null; remote_id: string | null; issues: Array<{ field?: string; rule?: string; message?: string }> }>;
  const failed = (await db.query(
    `SELECT message FROM sync_errors WHERE connection_id = $1 AND run_id = $2 AND last_seen_at >= $3 AND error_class NOT IN ('VALIDATION', 'DATA_FORMAT') ORDER BY last_seen_at LIMIT ${MAX_REASONS}`,
    [connectionId, runId, since],
  )) as Array<{ message: string }>;
  return [
    ...quarantined.map(
      (q) =>
        `${q.remote_type ?? 'record'} ${q.remote_id ?? '(no id)'} quarantined: ${(q.issues ?? []).map((i) => `${i.rule ?? 'RULE'} ${i.field ?? ''}: ${i.message ?? ''}`.trim()).join('; ')}`,
    ),
    ...failed.map((f) => f.message),
  ].slice(0, MAX_REASONS);
}
