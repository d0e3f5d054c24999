/**
 * The error log: one row per cause (connection + class + code + endpoint shape), with
 * first/last seen, occurrences, attempts and the affected record ids — so a thousand
 * records failing for one reason are one row a person can act on.
 */
import { createHash } from 'node:crypto';
import { scrubVendorText, type ErrorClass } from '../../system';
import { recordSyncError } from '../store/ops/sync-error.repository';
import type { Queryable } from '../store/queryable';

export { ErrorLogReadModel as ErrorLogQueries, type ErrorLogFilter } from '../store/ops/error-log.read-model';

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

/** Characters of message kept per row. */
const MAX_MESSAGE = 2000;

export function fingerprint(e: Pick<ErrorEvent, 'errorClass' | 'code' | 'endpoint'>): string {
  // Ids inside paths would split one cause into many rows.
  const shape = (e.endpoint ?? '')
    .replace(/\/[A-Za-z0-9]{15,18}(?=\/|$)/g, '/:id')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\?.*$/, '');
  return createHash('sha1').update(`${e.errorClass}|${e.code}|${shape}`).digest('hex').slice(0, 20);
}

/** `m`: a transaction's manager when the error belongs with the writes it commits. */
export async function logError(m: Queryable, e: ErrorEvent): Promise<void> {
  await recordSyncError(m, {
    connectionId: e.connectionId,
    runId: e.runId ?? null,
    fingerprint: fingerprint(e),
    errorClass: e.errorClass,
    code: e.code,
    // Messages are VIEWER-readable: whatever vendor text reached them loses tokens, secrets and form fields here at the latest.
    message: scrubVendorText(e.message, [], MAX_MESSAGE),
    endpoint: e.endpoint ?? null,
    recordIds: e.recordIds ?? [],
    attempts: e.attempts ?? 1,
  });
}
