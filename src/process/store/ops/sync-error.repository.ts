/**
 * The error log as written (table sync_errors): one row per cause — connection and
 * fingerprint — whose counts, last message and affected record ids grow with each repeat.
 */
import type { StoredSyncError } from '../../stored';
import type { Queryable } from '../queryable';

/** Record ids kept per row: enough to find the records, bounded so a row stays small. */
export const MAX_RECORD_IDS = 200;

/**
 * One occurrence of a cause, as stored (the fingerprint identifies it within its connection:
 * health/error-log.ts; the message is stored as given — the caller scrubbed and bounded it).
 */
export type SyncErrorOccurrence = Pick<StoredSyncError, 'connectionId' | 'runId' | 'fingerprint' | 'errorClass' | 'code' | 'message' | 'endpoint' | 'attempts'> & {
  recordIds: readonly string[];
};

/** Adds an occurrence to its cause's row, creating the row on the first one. */
export async function recordSyncError(db: Queryable, e: SyncErrorOccurrence): Promise<void> {
  await db.query(
    `INSERT INTO sync_errors (connection_id, run_id, fingerprint, error_class, code, message, endpoint, record_ids, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (coalesce(connection_id, '00000000-0000-0000-0000-000000000000'::uuid), fingerprint) DO UPDATE SET
       last_seen_at = now(), occurrences = sync_errors.occurrences + 1, run_id = EXCLUDED.run_id,
       message = EXCLUDED.message, attempts = sync_errors.attempts + EXCLUDED.attempts,
       record_ids = (SELECT coalesce(array_agg(DISTINCT r), '{}') FROM (
         SELECT unnest(sync_errors.record_ids || EXCLUDED.record_ids) AS r LIMIT ${MAX_RECORD_IDS}) x)`,
    [e.connectionId, e.runId, e.fingerprint, e.errorClass, e.code, e.message, e.endpoint, e.recordIds.slice(0, MAX_RECORD_IDS), e.attempts],
  );
}
