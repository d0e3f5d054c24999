/**
 * What a sync run writes about itself while it executes (table sync_runs): its heartbeat,
 * its counts as pages go by, the records read a page's checkpoint covers, and its end. The
 * engine (sync/runs/sync-engine.ts) calls these; a dry run passes the EntityManager of its one
 * transaction, as a statement outside it would wait for the embedded database's one session.
 */
import type { PlannedChange, SyncRunEntity } from '../entities';
import type { Queryable } from '../queryable';

export interface RunCounts {
  read: number;
  written: number;
  failed: number;
  quarantined: number;
}

/** The worker running it is alive (the reaper interrupts runs whose heartbeat is stale). */
export async function beatHeart(db: Queryable, runId: string): Promise<void> {
  await db.query(`UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1`, [runId]);
}

export async function recordRunProgress(db: Queryable, runId: string, progress: number, counts: RunCounts, apiCalls: number): Promise<void> {
  await db.query(`UPDATE sync_runs SET progress = $2, records_read = $3, records_quarantined = $4, api_calls = $5, heartbeat_at = now() WHERE id = $1`, [
    runId,
    progress,
    counts.read,
    counts.quarantined,
    apiCalls,
  ]);
}

/** Committed with a page's checkpoint: the records read that the checkpoint covers. */
export async function recordRecordsRead(m: Queryable, runId: string, read: number): Promise<void> {
  await m.query(`UPDATE sync_runs SET records_read = $2 WHERE id = $1`, [runId, read]);
}

export interface RunEnd {
  status: SyncRunEntity['status'];
  counts: RunCounts;
  apiCalls: number;
  error: string | null;
  plannedChanges: PlannedChange[] | null | undefined;
}

/** The run's final status and counts; a SUCCEEDED run's progress is complete. */
export async function recordRunEnd(m: Queryable, runId: string, end: RunEnd): Promise<void> {
  const { counts } = end;
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
