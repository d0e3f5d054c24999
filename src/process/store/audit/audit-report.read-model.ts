/** The audit history as the API reads it: newest first, one by id, and a report's JSON for downloads and comparisons. */
import type { StoredAuditRun } from '../../stored';
import type { Queryable } from '../queryable';
import { decodeCursor, isUuid, pageSize, sortAtSql, toPage, type Page, type PageArgs } from '../read-models/pagination';
import { AUDIT_COLUMNS, toAuditRun, type AuditRow } from './audit-report.repository';

/** An audit with its report (null until it succeeded), as JSON: dates are ISO strings. */
export interface AuditWithReport {
  audit: StoredAuditRun;
  report: unknown;
}

export async function auditPage(db: Queryable, args: PageArgs): Promise<Page<AuditWithReport>> {
  const size = pageSize(args.first);
  const after = decodeCursor(args.after);
  const rows = (await db.query(
    `SELECT ${AUDIT_COLUMNS}, report, ${sortAtSql('created_at')} AS sort_at FROM audit_reports
     WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid)
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [after?.at ?? null, after?.id ?? null, size + 1],
  )) as Array<AuditRow & { report: unknown; sort_at: string }>;
  return toPage(rows, size, after, (r) => ({ audit: toAuditRun(r), report: r.report }));
}

export async function countAudits(db: Queryable): Promise<number> {
  const rows = (await db.query(`SELECT count(*)::int AS n FROM audit_reports`)) as Array<{ n: number }>;
  return rows[0]?.n ?? 0;
}

export async function auditById(db: Queryable, id: string): Promise<AuditWithReport | null> {
  if (!isUuid(id)) return null;
  const rows = (await db.query(`SELECT ${AUDIT_COLUMNS}, report FROM audit_reports WHERE id = $1`, [id])) as Array<AuditRow & { report: unknown }>;
  return rows[0] ? { audit: toAuditRun(rows[0]), report: rows[0].report } : null;
}

/** The latest successful audit created before `before` (the one a new report is compared with). */
export async function previousReport(db: Queryable, before: Date): Promise<{ id: string; report: unknown } | null> {
  const rows = (await db.query(
    `SELECT id, report FROM audit_reports WHERE status = 'SUCCEEDED' AND created_at < $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
    [before],
  )) as Array<{ id: string; report: unknown }>;
  return rows[0] ?? null;
}

/** Whether a live connection was set up before `at`: an installation younger than a schedule slot has nothing of that period to audit. */
export async function connectionBefore(db: Queryable, at: Date): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM connections WHERE created_at < $1 AND deleted_at IS NULL LIMIT 1`, [at])) as unknown[];
  return rows.length > 0;
}
