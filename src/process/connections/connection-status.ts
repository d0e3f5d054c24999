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
import type { Queryable } from '../store/queryable';
import { recordRefusal } from '../store/connections/connection-status.repository';

/** A token issued ends an earlier refusal; a test passed or a run got through proves a new connection. */
export { recordProven, recordTokenIssued } from '../store/connections/connection-status.repository';

const REASON_LIMIT = 500;
/** Every refusal's reason starts so (the migration that ended credential pauses matches it too). */
export const REFUSED_PREFIX = 'the CRM refused';

/** The reason a person reads: what happened, and what fixes it. */
export function refusalReason(detail: string): string {
  return `${REFUSED_PREFIX} Junction's credentials (${detail}). Syncing is stopped until they are replaced: send new credentials with updateConnection (or reconnect), then testConnection.`.slice(0, REASON_LIMIT);
}

/** The CRM refused the credentials at `at`: FAILING with the fix named, unless a person has paused it. */
export async function recordCredentialsRefused(db: Queryable, connectionId: string, detail: string, at: Date): Promise<void> {
  await recordRefusal(db, connectionId, at, refusalReason(detail));
}
