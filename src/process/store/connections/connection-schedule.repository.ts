/**
 * Which connections the scheduler queues a run for (sync/runs/sync-worker.ts): enabled, live,
 * not paused, credentials not refused (only new credentials, a test or a triggered run try
 * those again: connections/connection-status.ts), and a circuit that lets a run through.
 */
import type { Queryable } from '../queryable';

/**
 * Their ids, oldest connection first. The periodic schedule skips a connection whose own
 * interval (settings.schedule.intervalSeconds) has not passed since its last run — the
 * instance's tick is the finest step. `withChangesQueuedSince`: only those with undelivered
 * outbox rows queued since then (a run's changes handed on at once, whatever the interval).
 */
export async function schedulableConnections(db: Queryable, now: Date, withChangesQueuedSince?: Date): Promise<string[]> {
  const rows = (await db.query(
    `SELECT c.id FROM connections c
       WHERE c.enabled AND c.status <> 'PAUSED' AND c.credentials_refused_at IS NULL AND c.deleted_at IS NULL
         AND (c.circuit <> 'OPEN' OR c.circuit_retry_at IS NULL OR c.circuit_retry_at <= $1)
         AND ($2::timestamptz IS NULL OR EXISTS (SELECT 1 FROM outbox o WHERE o.connection_id = c.id AND o.delivered_at IS NULL AND o.created_at >= $2))
         -- Its own schedule (settings.schedule.intervalSeconds): not before that long since its last run.
         AND ($2::timestamptz IS NOT NULL OR jsonb_typeof(c.settings->'schedule'->'intervalSeconds') IS DISTINCT FROM 'number'
              OR NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.connection_id = c.id AND NOT r.dry_run
                               AND r.created_at > $1::timestamptz - make_interval(secs => (c.settings->'schedule'->>'intervalSeconds')::float8)))
       ORDER BY c.created_at`,
    [now, withChangesQueuedSince ?? null],
  )) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** A connection's stored settings (its schedule is read from them); null for no live connection. */
export async function connectionSettings(db: Queryable, id: string): Promise<Record<string, unknown> | null> {
  const rows = (await db.query(`SELECT settings FROM connections WHERE id = $1 AND deleted_at IS NULL`, [id])) as Array<{ settings: Record<string, unknown> }>;
  return rows[0]?.settings ?? null;
}
