/**
 * What Junction learns about a connection by calling its CRM, kept in `connections.status`:
 *
 *   UNKNOWN   nothing has proven it yet (a new connection)
 *   HEALTHY   a test passed or a run got through (from UNKNOWN, or once refused credentials work again)
 *   FAILING   the CRM refused its credentials: syncing stops until someone replaces them
 *             (`credentials_refused_at`, the CREDENTIALS alert); a token issued later clears it
 *   PAUSED    a person paused it (no end), or its daily quota is spent (until the reset): connection-pause.ts
 *   DEGRADED  a mapped field vanished from the CRM: schema-check.ts
 *
 * A refusal is never retried on a schedule: a revoked refresh token or secret does not come
 * back by itself, and hammering the token endpoint only adds failed sign-ins to the CRM's
 * audit log. New credentials (updateConnection), testConnection or a triggered run try again.
 */
import type { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

const REASON_LIMIT = 500;
/** Every refusal's reason starts so (the migration that ended credential pauses matches it too). */
export const REFUSED_PREFIX = 'the CRM refused';

/** The reason a person reads: what happened, and what fixes it. */
export function refusalReason(detail: string): string {
  return `${REFUSED_PREFIX} Junction's credentials (${detail}). Syncing is stopped until they are replaced: send new credentials with updateConnection (or reconnect), then testConnection.`.slice(0, REASON_LIMIT);
}

/** The CRM refused the credentials at `at`: FAILING with the fix named, unless a person has paused it. */
export async function recordCredentialsRefused(db: Db, connectionId: string, detail: string, at: Date): Promise<void> {
  const personPaused = `status = 'PAUSED' AND paused_until IS NULL`;
  await db.query(
    `UPDATE connections SET credentials_refused_at = $2,
       status = CASE WHEN ${personPaused} THEN status ELSE 'FAILING' END,
       status_reason = CASE WHEN ${personPaused} THEN status_reason ELSE $3 END,
       paused_until = CASE WHEN ${personPaused} THEN paused_until ELSE NULL END,
       updated_at = now()
     WHERE id = $1 AND deleted_at IS NULL`,
    [connectionId, at, refusalReason(detail)],
  );
}

/**
 * A token was issued at `at`: its expiry (and Salesforce's org id) is stored, and a refusal
 * recorded before then is over. Returns whether it was (the CREDENTIALS alert resolves).
 * Ordered by time rather than by arrival, so a late write never clears a newer refusal.
 */
type Row = { refused_at: Date | null; credentials_refused_at: Date | null };

export async function recordTokenIssued(db: Db, connectionId: string, token: { expiresAt: string; organizationId?: string }, at: Date): Promise<boolean> {
  const over = `c.credentials_refused_at IS NOT NULL AND c.credentials_refused_at <= $4`;
  const rows = (await db.query(
    `WITH before AS (SELECT credentials_refused_at AS refused_at FROM connections WHERE id = $1)
     UPDATE connections c SET token_expires_at = $2,
       settings = CASE WHEN $3::text IS NULL THEN c.settings ELSE coalesce(c.settings, '{}'::jsonb) || jsonb_build_object('organizationId', $3::text) END,
       status = CASE WHEN ${over} AND c.status = 'FAILING' THEN 'HEALTHY' ELSE c.status END,
       status_reason = CASE WHEN ${over} AND c.status = 'FAILING' THEN NULL ELSE c.status_reason END,
       credentials_refused_at = CASE WHEN ${over} THEN NULL ELSE c.credentials_refused_at END
     FROM before WHERE c.id = $1
     RETURNING before.refused_at, c.credentials_refused_at`,
    [connectionId, token.expiresAt, token.organizationId ?? null, at],
  )) as [Row[], number] | Row[];
  const row = rowsOf(rows)[0];
  return !!row && row.refused_at !== null && row.credentials_refused_at === null;
}

/** A test passed or a run got through: a connection nothing had proven is HEALTHY. */
export async function recordProven(db: Db, connectionId: string): Promise<void> {
  await db.query(`UPDATE connections SET status = 'HEALTHY', updated_at = now() WHERE id = $1 AND status = 'UNKNOWN'`, [connectionId]);
}

/** UPDATE … RETURNING answers [rows, count] on PostgreSQL through TypeORM, and rows on some drivers. */
export function rowsOf<T>(result: [T[], number] | T[]): T[] {
  return Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
