/**
 * A sync run's row from queueing to settling (table sync_runs): queued by a trigger or a
 * retry, claimed by the worker that fetched its job, interrupted when its worker stopped
 * heartbeating, and read back when its job is settled (sync/runs/sync-worker.ts). One
 * active run per connection is the unique index `sync_runs_one_active`: an insert that
 * meets one inserts nothing.
 */
import type { SyncMode } from '../entities';
import { returnedRows, type Queryable } from '../queryable';

/** A QUEUED run with its job's id; undefined when the connection has an active run. */
export async function insertQueuedRun(m: Queryable, run: { connectionId: string; mode: SyncMode; dryRun: boolean; jobId: string }): Promise<string | undefined> {
  const inserted = (await m.query(
    `INSERT INTO sync_runs (connection_id, mode, status, dry_run, job_id) VALUES ($1, $2, 'QUEUED', $3, $4)
         ON CONFLICT (connection_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING RETURNING id`,
    [run.connectionId, run.mode, run.dryRun, run.jobId],
  )) as Array<{ id: string }>;
  return inserted[0]?.id;
}

/** The next attempt of a run, not before `notBefore`; undefined when a run queued meanwhile holds the slot. */
export async function insertRetryRun(
  m: Queryable,
  retry: { connectionId: string; mode: string; attempt: number; notBefore: Date; jobId: string },
): Promise<string | undefined> {
  const inserted = (await m.query(
    `INSERT INTO sync_runs (connection_id, mode, status, dry_run, attempt, not_before, job_id)
             VALUES ($1, $2, 'QUEUED', false, $3, $4, $5)
             ON CONFLICT (connection_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING RETURNING id`,
    [retry.connectionId, retry.mode, retry.attempt, retry.notBefore, retry.jobId],
  )) as Array<{ id: string }>;
  return inserted[0]?.id;
}

/** Marks a QUEUED run RUNNING for this worker; false when it is no longer queued. */
export async function claimRun(db: Queryable, runId: string, workerId: string): Promise<boolean> {
  const claimed = returnedRows<{ id: string }>(
    await db.query(
      `UPDATE sync_runs SET status = 'RUNNING', started_at = now(), heartbeat_at = now(), worker_id = $2
         WHERE id = $1 AND status = 'QUEUED' RETURNING id`,
      [runId, workerId],
    ),
  );
  return claimed.length > 0;
}

/**
 * RUNNING runs whose heartbeat is older than `staleSeconds` become INTERRUPTED — CANCELLED when
 * an operator had asked to cancel them, so they are not resumed; returns their ids.
 */
export async function interruptStaleRuns(db: Queryable, staleSeconds: number): Promise<string[]> {
  const rows = returnedRows<{ id: string }>(
    await db.query(
      `UPDATE sync_runs SET status = CASE WHEN cancel_requested_at IS NULL THEN 'INTERRUPTED' ELSE 'CANCELLED' END, finished_at = now(),
              error = 'the worker running it stopped (no heartbeat)'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1) RETURNING id`,
      [staleSeconds],
    ),
  );
  return rows.map((r) => r.id);
}

/** Of these runs, those whose job a live worker would have claimed or settled by now: still QUEUED, or ended over `staleSeconds` ago. */
export async function orphanedRuns(db: Queryable, runIds: string[], staleSeconds: number): Promise<Array<{ id: string; status: string }>> {
  return (await db.query(
    `SELECT id, status FROM sync_runs WHERE id = ANY($1::uuid[])
         AND (status = 'QUEUED' OR (status <> 'RUNNING' AND finished_at < now() - make_interval(secs => $2)))`,
    [runIds, staleSeconds],
  )) as Array<{ id: string; status: string }>;
}

/** What settling a run's job decides from. */
export interface RunToSettle {
  connectionId: string;
  mode: string;
  status: string;
  error: string | null;
  attempt: number;
  dryRun: boolean;
  jobId: string | null;
}

export async function runToSettle(db: Queryable, runId: string): Promise<RunToSettle | undefined> {
  const rows = (await db.query(`SELECT connection_id, mode, status, error, attempt, dry_run, job_id FROM sync_runs WHERE id = $1`, [runId])) as Array<{
    connection_id: string;
    mode: string;
    status: string;
    error: string | null;
    attempt: number;
    dry_run: boolean;
    job_id: string | null;
  }>;
  const r = rows[0];
  return r && { connectionId: r.connection_id, mode: r.mode, status: r.status, error: r.error, attempt: r.attempt, dryRun: r.dry_run, jobId: r.job_id };
}

export async function runModeAndAttempt(db: Queryable, runId: string): Promise<{ mode: string; attempt: number } | undefined> {
  const rows = (await db.query(`SELECT mode, attempt FROM sync_runs WHERE id = $1`, [runId])) as Array<{ mode: string; attempt: number }>;
  return rows[0];
}

/** When the first attempt of this run's retry chain started: the latest attempt-1 run of the connection up to this one. */
export async function retryChainStartedAt(db: Queryable, runId: string): Promise<Date | null | undefined> {
  const rows = (await db.query(
    `SELECT first.started_at FROM sync_runs r
       JOIN LATERAL (SELECT f.started_at FROM sync_runs f
                     WHERE f.connection_id = r.connection_id AND f.attempt = 1 AND f.created_at <= r.created_at
                     ORDER BY f.created_at DESC LIMIT 1) first ON true
       WHERE r.id = $1`,
    [runId],
  )) as Array<{ started_at: Date | null }>;
  return rows[0]?.started_at;
}

/** Notes a change notification on a run still RUNNING; false when it ended meanwhile (the caller queues a run instead). */
export async function markNotifiedWhileRunning(db: Queryable, runId: string): Promise<boolean> {
  const rows = (await db.query(`UPDATE sync_runs SET notified_at = now() WHERE id = $1 AND status = 'RUNNING' RETURNING id`, [runId])) as unknown[];
  return rows.length > 0;
}

/** The connection of an ended run that a change notification reached while it ran, if one did. */
export async function notifiedWhileRunning(db: Queryable, runId: string): Promise<string | undefined> {
  const rows = (await db.query(`SELECT connection_id FROM sync_runs WHERE id = $1 AND notified_at IS NOT NULL AND status NOT IN ('QUEUED','RUNNING')`, [runId])) as Array<{
    connection_id: string;
  }>;
  return rows[0]?.connection_id;
}

/** A full run waiting for its connection's window: undefined when one waits already (one per connection). */
export async function insertScheduledRun(m: Queryable, run: { connectionId: string; mode: SyncMode; notBefore: Date }): Promise<string | undefined> {
  const inserted = (await m.query(
    `INSERT INTO sync_runs (connection_id, mode, status, dry_run, not_before) VALUES ($1, $2, 'SCHEDULED', false, $3)
         ON CONFLICT (connection_id) WHERE status = 'SCHEDULED' DO NOTHING RETURNING id`,
    [run.connectionId, run.mode, run.notBefore],
  )) as Array<{ id: string }>;
  return inserted[0]?.id;
}

/** Scheduled runs whose window has opened, of connections with no active run, oldest first. */
export async function dueScheduledRuns(m: Queryable, now: Date): Promise<Array<{ id: string; connectionId: string }>> {
  const rows = (await m.query(
    `SELECT s.id, s.connection_id FROM sync_runs s
       WHERE s.status = 'SCHEDULED' AND s.not_before <= $1
         AND NOT EXISTS (SELECT 1 FROM sync_runs a WHERE a.connection_id = s.connection_id AND a.status IN ('QUEUED','RUNNING'))
       ORDER BY s.not_before`,
    [now],
  )) as Array<{ id: string; connection_id: string }>;
  return rows.map((r) => ({ id: r.id, connectionId: r.connection_id }));
}

/**
 * Moves a scheduled run into the active slot with its job id; false when it is no longer
 * scheduled or another run took the slot meanwhile (the unique index decides, across instances).
 */
export async function queueScheduledRun(m: Queryable, id: string, jobId: string): Promise<boolean> {
  await m.query('SAVEPOINT queue_scheduled');
  try {
    const rows = returnedRows<{ id: string }>(await m.query(`UPDATE sync_runs SET status = 'QUEUED', job_id = $2 WHERE id = $1 AND status = 'SCHEDULED' RETURNING id`, [id, jobId]));
    await m.query('RELEASE SAVEPOINT queue_scheduled');
    return rows.length > 0;
  } catch (err) {
    await m.query('ROLLBACK TO SAVEPOINT queue_scheduled');
    if ((err as { code?: string }).code === '23505') return false;
    throw err;
  }
}
