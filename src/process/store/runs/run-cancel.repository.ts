/**
 * An operator's cancel of a sync run (table sync_runs), from whichever instance the API call
 * reached. A QUEUED run (or a SCHEDULED one, waiting for its sync window) ends CANCELLED at
 * once (a queued run's job, when fetched, finds it no longer queued); a RUNNING one gets `cancel_requested_at`, which the engine running it reads at its
 * next page or heartbeat (run-progress.repository.ts) and then ends it CANCELLED. One
 * statement, so a run that starts or ends meanwhile is met in the state it is in.
 */
import type { StoredRunLogEntry, SyncRunStatus } from '../../stored';
import { returnedRows, type Queryable } from '../queryable';

export const CANCELLED_BEFORE_START = 'cancelled by an operator before it started';

/** What a cancel met: the run's status after it, and whether it was still active (false: it had ended already). */
export interface CancelRequest {
  status: SyncRunStatus;
  active: boolean;
}

/** Undefined when there is no such run. */
export async function requestCancel(db: Queryable, runId: string): Promise<CancelRequest | undefined> {
  const entry: StoredRunLogEntry = { at: new Date().toISOString(), level: 'WARN', message: CANCELLED_BEFORE_START };
  const rows = returnedRows<CancelRequest>(
    await db.query(
      `WITH target AS (SELECT id, status FROM sync_runs WHERE id = $1),
       asked AS (
         UPDATE sync_runs r SET cancel_requested_at = COALESCE(r.cancel_requested_at, now()),
                status = CASE WHEN r.status IN ('QUEUED', 'SCHEDULED') THEN 'CANCELLED' ELSE r.status END,
                finished_at = CASE WHEN r.status IN ('QUEUED', 'SCHEDULED') THEN now() ELSE r.finished_at END,
                error = CASE WHEN r.status IN ('QUEUED', 'SCHEDULED') THEN $2 ELSE r.error END
         FROM target t WHERE r.id = t.id AND t.status IN ('SCHEDULED', 'QUEUED', 'RUNNING') RETURNING r.id, r.status
       ),
       logged AS (
         INSERT INTO sync_run_logs (run_id, entries) SELECT id, jsonb_build_array($3::jsonb) FROM asked WHERE status = 'CANCELLED'
         ON CONFLICT (run_id) DO UPDATE SET entries = sync_run_logs.entries || EXCLUDED.entries
       )
       SELECT COALESCE(a.status, t.status) AS status, a.id IS NOT NULL AS active FROM target t LEFT JOIN asked a ON a.id = t.id`,
      [runId, CANCELLED_BEFORE_START, JSON.stringify(entry)],
    ),
  );
  return rows[0];
}
