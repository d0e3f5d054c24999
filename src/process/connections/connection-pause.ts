/**
 * Pausing and resuming connections. A connection is paused when syncing it cannot help
 * until something changes: its credentials were refused (a person must fix them — no
 * end time), or its daily API quota is spent (it resumes by itself at the vendor's reset).
 */
import type { DataSource, EntityManager } from 'typeorm';

/** Pauses a connection; `until` null means until someone resumes it. */
export async function pauseConnection(db: DataSource | EntityManager, connectionId: string, reason: string, until: Date | null): Promise<void> {
  await db.query(`UPDATE connections SET status = 'PAUSED', status_reason = $2, paused_until = $3, updated_at = now() WHERE id = $1`, [
    connectionId,
    reason.slice(0, 500),
    until,
  ]);
}

/** Resumes every connection whose pause has run out; returns their ids. */
export async function resumeDueConnections(db: DataSource, now: Date): Promise<string[]> {
  const result = (await db.query(
    `UPDATE connections SET status = 'HEALTHY', status_reason = NULL, paused_until = NULL, updated_at = now()
     WHERE status = 'PAUSED' AND paused_until IS NOT NULL AND paused_until <= $1 RETURNING id`,
    [now],
  )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
  const rows = Array.isArray(result[0]) ? (result[0] as Array<{ id: string }>) : (result as Array<{ id: string }>);
  return rows.map((r) => r.id);
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
