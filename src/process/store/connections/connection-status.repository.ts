/**
 * A connection's status as calls to its CRM and people change it (table connections: status,
 * status_reason, paused_until, credentials_refused_at, token_expires_at). The rules — what
 * each status means, the reasons a person reads — are connections/connection-status.ts and
 * connection-pause.ts; these statements apply them in one step each, so concurrent writers
 * never see a half-changed status.
 */
import { returnedRows, type Queryable } from '../queryable';

/** A pause that ends by itself at `until` (a spent quota's reset). */
export async function pauseUntil(db: Queryable, connectionId: string, reason: string, until: Date): Promise<void> {
  await db.query(`UPDATE connections SET status = 'PAUSED', status_reason = $2, paused_until = $3, updated_at = now() WHERE id = $1`, [connectionId, reason, until]);
}

/** A pause without an end, of a live connection. */
export async function pauseWithoutEnd(db: Queryable, connectionId: string, reason: string): Promise<void> {
  await db.query(`UPDATE connections SET status = 'PAUSED', status_reason = $2, paused_until = NULL, updated_at = now() WHERE id = $1 AND deleted_at IS NULL`, [
    connectionId,
    reason,
  ]);
}

/**
 * Ends a live connection's pause: FAILING (with `refusedReason`) while its credentials stand
 * refused, HEALTHY once anything proved it (a token, a finished run), else UNKNOWN.
 */
export async function endPause(db: Queryable, connectionId: string, refusedReason: string): Promise<void> {
  const proven = `token_expires_at IS NOT NULL OR last_successful_sync_at IS NOT NULL
    OR EXISTS (SELECT 1 FROM sync_runs s WHERE s.connection_id = connections.id AND NOT s.dry_run AND s.status IN ('SUCCEEDED','PARTIAL'))`;
  await db.query(
    `UPDATE connections SET paused_until = NULL, updated_at = now(),
       status = CASE WHEN credentials_refused_at IS NOT NULL THEN 'FAILING' WHEN ${proven} THEN 'HEALTHY' ELSE 'UNKNOWN' END,
       status_reason = CASE WHEN credentials_refused_at IS NOT NULL THEN $2 ELSE NULL END
     WHERE id = $1 AND status = 'PAUSED' AND deleted_at IS NULL`,
    [connectionId, refusedReason],
  );
}

/** Ends every pause whose time has come (`paused_until` at or before `now`); returns their connections' ids. */
export async function endDuePauses(db: Queryable, now: Date): Promise<string[]> {
  const rows = returnedRows<{ id: string }>(
    await db.query(
      `UPDATE connections SET status = 'HEALTHY', status_reason = NULL, paused_until = NULL, updated_at = now()
     WHERE status = 'PAUSED' AND paused_until IS NOT NULL AND paused_until <= $1 RETURNING id`,
      [now],
    ),
  );
  return rows.map((r) => r.id);
}

/** The CRM refused the credentials at `at`: FAILING with `reason`, unless a person has paused the connection. */
export async function recordRefusal(db: Queryable, connectionId: string, at: Date, reason: string): Promise<void> {
  const personPaused = `status = 'PAUSED' AND paused_until IS NULL`;
  await db.query(
    `UPDATE connections SET credentials_refused_at = $2,
       status = CASE WHEN ${personPaused} THEN status ELSE 'FAILING' END,
       status_reason = CASE WHEN ${personPaused} THEN status_reason ELSE $3 END,
       paused_until = CASE WHEN ${personPaused} THEN paused_until ELSE NULL END,
       updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL`,
    [connectionId, at, reason],
  );
}

/**
 * A token was issued at `at`: its expiry, the refresh token's where the CRM said it (a
 * later answer that does not say keeps the last one known), and Salesforce's org id are stored, and a refusal
 * recorded before then is over. Returns whether it was. Ordered by time rather than by
 * arrival, so a late write never clears a newer refusal.
 */
export async function recordTokenIssued(
  db: Queryable,
  connectionId: string,
  token: { expiresAt?: string; refreshTokenExpiresAt?: string; organizationId?: string },
  at: Date,
): Promise<boolean> {
  const over = `c.credentials_refused_at IS NOT NULL AND c.credentials_refused_at <= $4`;
  const rows = returnedRows<{ refused_at: Date | null; credentials_refused_at: Date | null }>(
    await db.query(
      `WITH before AS (SELECT credentials_refused_at AS refused_at FROM connections WHERE id = $1)
     UPDATE connections c SET token_expires_at = $2, refresh_token_expires_at = coalesce($5::timestamptz, c.refresh_token_expires_at),
       settings = CASE WHEN $3::text IS NULL THEN c.settings ELSE coalesce(c.settings, '{}'::jsonb) || jsonb_build_object('organizationId', $3::text) END,
       status = CASE WHEN ${over} AND c.status = 'FAILING' THEN 'HEALTHY' ELSE c.status END,
       status_reason = CASE WHEN ${over} AND c.status = 'FAILING' THEN NULL ELSE c.status_reason END,
       credentials_refused_at = CASE WHEN ${over} THEN NULL ELSE c.credentials_refused_at END
     FROM before WHERE c.id = $1
     RETURNING before.refused_at, c.credentials_refused_at`,
      [connectionId, token.expiresAt ?? null, token.organizationId ?? null, at, token.refreshTokenExpiresAt ?? null],
    ),
  );
  const row = rows[0];
  return !!row && row.refused_at !== null && row.credentials_refused_at === null;
}

/** A connection nothing had proven (UNKNOWN) is HEALTHY. */
export async function recordProven(db: Queryable, connectionId: string): Promise<void> {
  await db.query(`UPDATE connections SET status = 'HEALTHY', updated_at = now() WHERE id = $1 AND status = 'UNKNOWN'`, [connectionId]);
}
