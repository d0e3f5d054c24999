/**
 * The error log: one row per cause (connection + class + code + endpoint shape), with
 * first/last seen, occurrences, attempts and the affected record ids — so a thousand
 * records failing for one reason are one row a person can act on.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ErrorClass } from '../../system';

export interface ErrorEvent {
  connectionId: string | null;
  runId?: string | null;
  errorClass: ErrorClass;
  code: string;
  message: string;
  endpoint?: string | null;
  recordIds?: string[];
  attempts?: number;
}

/** Record ids kept per row: enough to find the records, bounded so a row stays small. */
const MAX_RECORD_IDS = 200;

export function fingerprint(e: Pick<ErrorEvent, 'errorClass' | 'code' | 'endpoint'>): string {
  // Ids inside paths would split one cause into many rows.
  const shape = (e.endpoint ?? '').replace(/\/[A-Za-z0-9]{15,18}(?=\/|$)/g, '/:id').replace(/\/\d+(?=\/|$)/g, '/:id').replace(/\?.*$/, '');
  return createHash('sha1').update(`${e.errorClass}|${e.code}|${shape}`).digest('hex').slice(0, 20);
}

export async function logError(m: EntityManager, e: ErrorEvent): Promise<void> {
  await m.query(
    `INSERT INTO sync_errors (connection_id, run_id, fingerprint, error_class, code, message, endpoint, record_ids, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (coalesce(connection_id, '00000000-0000-0000-0000-000000000000'::uuid), fingerprint) DO UPDATE SET
       last_seen_at = now(), occurrences = sync_errors.occurrences + 1, run_id = EXCLUDED.run_id,
       message = EXCLUDED.message, attempts = sync_errors.attempts + EXCLUDED.attempts,
       record_ids = (SELECT coalesce(array_agg(DISTINCT r), '{}') FROM (
         SELECT unnest(sync_errors.record_ids || EXCLUDED.record_ids) AS r LIMIT ${MAX_RECORD_IDS}) x)`,
    [e.connectionId, e.runId ?? null, fingerprint(e), e.errorClass, e.code, e.message.slice(0, 2000), e.endpoint ?? null, (e.recordIds ?? []).slice(0, MAX_RECORD_IDS), e.attempts ?? 1],
  );
}
