/**
 * The audit history's writes (table audit_reports): a queued audit, its start, the beats of
 * the worker running it, and its end with the report as JSON. At most one audit is QUEUED or
 * RUNNING (a unique index), so `queueAudit` answers null when one already is, or when the
 * schedule slot it names was queued already.
 */
import type { AuditTrigger, StoredAuditRun } from '../../stored';
import { returnedRows, type Queryable } from '../queryable';

export interface AuditRow {
  id: string;
  status: StoredAuditRun['status'];
  trigger: AuditTrigger;
  requested_by: string | null;
  scheduled_for: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  previous_id: string | null;
  error: string | null;
}

/** The columns of a StoredAuditRun (never the report, which only a download or the comparison reads). */
export const AUDIT_COLUMNS = 'id, status, trigger, requested_by, scheduled_for, created_at, started_at, finished_at, previous_id, error';

export const toAuditRun = (r: AuditRow): StoredAuditRun => ({
  id: r.id,
  status: r.status,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  scheduledFor: r.scheduled_for,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  previousId: r.previous_id,
  error: r.error,
});

export async function queueAudit(db: Queryable, audit: { trigger: AuditTrigger; requestedBy?: string | null; scheduledFor?: Date | null }): Promise<StoredAuditRun | null> {
  const rows = (await db.query(
    `INSERT INTO audit_reports (trigger, requested_by, scheduled_for) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ${AUDIT_COLUMNS}`,
    [audit.trigger, audit.requestedBy ?? null, audit.scheduledFor ?? null],
  )) as AuditRow[];
  return rows[0] ? toAuditRun(rows[0]) : null;
}

/** The audit queued or running now, if any. */
export async function liveAudit(db: Queryable): Promise<StoredAuditRun | null> {
  const rows = (await db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_reports WHERE status IN ('QUEUED','RUNNING')`)) as AuditRow[];
  return rows[0] ? toAuditRun(rows[0]) : null;
}

/** QUEUED → RUNNING; null when the audit is no longer queued (failed as interrupted meanwhile). */
export async function startAudit(db: Queryable, id: string): Promise<StoredAuditRun | null> {
  const rows = returnedRows<AuditRow>(
    await db.query(`UPDATE audit_reports SET status = 'RUNNING', started_at = now(), heartbeat_at = now() WHERE id = $1 AND status = 'QUEUED' RETURNING ${AUDIT_COLUMNS}`, [id]),
  );
  return rows[0] ? toAuditRun(rows[0]) : null;
}

export async function beatAudit(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE audit_reports SET heartbeat_at = now() WHERE id = $1 AND status = 'RUNNING'`, [id]);
}

/** RUNNING → SUCCEEDED with its report; false when it was failed meanwhile (its beat was judged stopped). */
export async function finishAudit(db: Queryable, id: string, report: unknown, previousId: string | null): Promise<boolean> {
  const rows = returnedRows<{ id: string }>(
    await db.query(`UPDATE audit_reports SET status = 'SUCCEEDED', finished_at = now(), report = $2::jsonb, previous_id = $3 WHERE id = $1 AND status = 'RUNNING' RETURNING id`, [
      id,
      JSON.stringify(report),
      previousId,
    ]),
  );
  return rows.length > 0;
}

export async function failAudit(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`UPDATE audit_reports SET status = 'FAILED', finished_at = now(), error = $2 WHERE id = $1 AND status IN ('QUEUED','RUNNING')`, [id, error]);
}

/** Running audits whose worker stopped beating for `seconds`: failed as interrupted; their ids (their jobs are settled by the caller). */
export async function failStaleAudits(db: Queryable, seconds: number): Promise<string[]> {
  const rows = returnedRows<{ id: string }>(
    await db.query(
      `UPDATE audit_reports SET status = 'FAILED', finished_at = now(), error = 'INTERRUPTED: the instance running it stopped'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1) RETURNING id`,
      [seconds],
    ),
  );
  return rows.map((r) => r.id);
}
