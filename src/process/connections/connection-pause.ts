/**
 * Pausing and resuming connections. Only two things pause a connection: a person
 * (pauseConnection: no end, until they resume it), and a spent daily API quota (until the
 * vendor's reset, when it resumes by itself). Refused credentials do not pause: the
 * connection is FAILING and alerts (connection-status.ts).
 */
import type { DataSource, EntityManager } from 'typeorm';
import { refusalReason, rowsOf } from './connection-status';

type Db = DataSource | EntityManager;

/** Pauses a connection until `until` (a spent quota's reset). */
export async function pauseConnection(db: Db, connectionId: string, reason: string, until: Date): Promise<void> {
  await db.query(`UPDATE connections SET status = 'PAUSED', status_reason = $2, paused_until = $3, updated_at = now() WHERE id = $1`, [
    connectionId,
    reason.slice(0, 500),
    until,
  ]);
}

/** A person pauses a connection, without an end: nothing is scheduled for it until they resume it. */
export async function pauseByPerson(db: Db, connectionId: string, reason: string | null): Promise<void> {
  const why = reason?.trim() ? `paused by an operator: ${reason.trim()}` : 'paused by an operator';
  await db.query(`UPDATE connections SET status = 'PAUSED', status_reason = $2, paused_until = NULL, updated_at = now() WHERE id = $1 AND deleted_at IS NULL`, [
    connectionId,
    why.slice(0, 500),
  ]);
}

/**
 * Ends any pause. The status goes back to what is known: FAILING while its credentials stand
 * refused, HEALTHY once anything proved the connection (a token, a finished run), else UNKNOWN.
 */
export async function resumeByPerson(db: Db, connectionId: string): Promise<void> {
  const proven = `token_expires_at IS NOT NULL OR last_successful_sync_at IS NOT NULL
    OR EXISTS (SELECT 1 FROM sync_runs s WHERE s.connection_id = connections.id AND NOT s.dry_run AND s.status IN ('SUCCEEDED','PARTIAL'))`;
  await db.query(
    `UPDATE connections SET paused_until = NULL, updated_at = now(),
       status = CASE WHEN credentials_refused_at IS NOT NULL THEN 'FAILING' WHEN ${proven} THEN 'HEALTHY' ELSE 'UNKNOWN' END,
       status_reason = CASE WHEN credentials_refused_at IS NOT NULL THEN $2 ELSE NULL END
     WHERE id = $1 AND status = 'PAUSED' AND deleted_at IS NULL`,
    [connectionId, refusalReason('refused before the pause; no token has been issued since')],
  );
}

/** Resumes every connection whose pause has run out; returns their ids. */
export async function resumeDueConnections(db: DataSource, now: Date): Promise<string[]> {
  const result = (await db.query(
    `UPDATE connections SET status = 'HEALTHY', status_reason = NULL, paused_until = NULL, updated_at = now()
     WHERE status = 'PAUSED' AND paused_until IS NOT NULL AND paused_until <= $1 RETURNING id`,
    [now],
  )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
  return rowsOf(result).map((r) => r.id);
}

/** The next UTC midnight after `now`: when HubSpot's daily limit resets, and our fallback. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/**
 * When a spent daily quota comes back: the vendor's own reset time when it gave one,
 * else the next UTC midnight (Salesforce's quota is a rolling 24 h and names no time).
 */
export function quotaResumeAt(vendorResetsAt: string | Date | null | undefined, now: Date): Date {
  const vendor = vendorResetsAt ? new Date(vendorResetsAt) : undefined;
  return vendor && !Number.isNaN(vendor.getTime()) && vendor > now ? vendor : nextUtcMidnight(now);
}
