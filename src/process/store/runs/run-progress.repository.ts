/**
 * What a sync run writes about itself while it executes (table sync_runs): its heartbeat,
 * its counts as pages go by, the records read a page's checkpoint covers, and its end. The
 * engine (sync/runs/sync-engine.ts) calls these; a dry run passes the EntityManager of its one
 * transaction, as a statement outside it would wait for the embedded database's one session.
 * The heartbeat and each page's progress answer whether an operator asked to cancel the run
 * (cancel_requested_at, set by run-cancel.repository.ts from any instance), and a page's
 * progress and the run's end write the run's step log (sync_run_logs) in the same statement.
 */
import type { PlannedChange, StoredRunLogEntry, SyncRunStatus } from '../../stored';
import { returnedRows, type Queryable } from '../queryable';

export interface RunCounts {
  read: number;
  written: number;
  failed: number;
  quarantined: number;
}

/** Whether an operator asked to cancel the run, as an UPDATE … RETURNING of sync_runs answers it. */
const cancelAsked = (result: unknown): boolean => returnedRows<{ cancel: boolean }>(result)[0]?.cancel === true;

/** The run's whole step log (bounded by the engine), replacing what was there: one statement however many steps. */
const WRITE_LOG = `INSERT INTO sync_run_logs (run_id, entries) VALUES ($1, $LOG::jsonb) ON CONFLICT (run_id) DO UPDATE SET entries = EXCLUDED.entries`;
const withLog = (n: number) => WRITE_LOG.replace('$LOG', `$${n}`);

/** The worker running it is alive (the reaper interrupts runs whose heartbeat is stale); true when a cancel is asked. */
export async function beatHeart(db: Queryable, runId: string): Promise<boolean> {
  return cancelAsked(await db.query(`UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1 RETURNING cancel_requested_at IS NOT NULL AS cancel`, [runId]));
}

/** What a page's progress writes besides its counts. */
export interface ProgressNote {
  /** The vendor's total for the run's reads so far, null when it gave none. */
  total: number | null;
  log: StoredRunLogEntry[];
}

/** The run's counts after a page, with its total and step log; true when an operator asked to cancel it. */
export async function recordRunProgress(db: Queryable, runId: string, progress: number, counts: RunCounts, apiCalls: number, note: ProgressNote): Promise<boolean> {
  return cancelAsked(
    await db.query(
      `WITH logged AS (${withLog(7)})
       UPDATE sync_runs SET progress = $2, records_read = $3, records_quarantined = $4, api_calls = $5, records_total = $6, heartbeat_at = now()
       WHERE id = $1 RETURNING cancel_requested_at IS NOT NULL AS cancel`,
      [runId, progress, counts.read, counts.quarantined, apiCalls, note.total, JSON.stringify(note.log)],
    ),
  );
}

/** Committed with a page's checkpoint: the records read that the checkpoint covers. */
export async function recordRecordsRead(m: Queryable, runId: string, read: number): Promise<void> {
  await m.query(`UPDATE sync_runs SET records_read = $2 WHERE id = $1`, [runId, read]);
}

export interface RunEnd {
  status: SyncRunStatus;
  counts: RunCounts;
  apiCalls: number;
  error: string | null;
  plannedChanges: PlannedChange[] | null | undefined;
  log: StoredRunLogEntry[];
}

/** The run's final status and counts; a SUCCEEDED run's progress is complete. */
export async function recordRunEnd(m: Queryable, runId: string, end: RunEnd): Promise<void> {
  const { counts } = end;
  await m.query(withLog(2), [runId, JSON.stringify(end.log)]);
  await m.query(
    `UPDATE sync_runs SET status = $2, finished_at = now(), progress = CASE WHEN $2 = 'SUCCEEDED' THEN 1 ELSE progress END,
         records_read = $3, records_written = $4, records_failed = $5, records_quarantined = $6, api_calls = $7, error = $8,
         planned_changes = $9 WHERE id = $1`,
    [
      runId,
      end.status,
      counts.read,
      counts.written,
      counts.failed,
      counts.quarantined,
      end.apiCalls,
      end.error,
      end.plannedChanges ? JSON.stringify(end.plannedChanges) : null,
    ],
  );
}
