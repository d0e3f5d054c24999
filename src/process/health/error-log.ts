/**
 * The error log: one row per cause (connection + class + code + endpoint shape), with
 * first/last seen, occurrences, attempts and the affected record ids — so a thousand
 * records failing for one reason are one row a person can act on.
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { scrubVendorText, type ErrorClass } from '../../system';
import { decodeCursor, isUuid, pageSize, sortAtSql, toPage, type Page, type PageArgs } from '../queries/pagination';
import { SqlParams } from '../queries/sql';
import { SyncErrorEntity } from '../store/entities';

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
/** Record ids kept per row: enough to find the records, bounded so a row stays small. */
const MAX_RECORD_IDS = 200;

export function fingerprint(e: Pick<ErrorEvent, 'errorClass' | 'code' | 'endpoint'>): string {
  // Ids inside paths would split one cause into many rows.
  const shape = (e.endpoint ?? '')
    .replace(/\/[A-Za-z0-9]{15,18}(?=\/|$)/g, '/:id')
    .replace(/\/\d+(?=\/|$)/g, '/:id')
    .replace(/\?.*$/, '');
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
    [
      e.connectionId,
      e.runId ?? null,
      fingerprint(e),
      e.errorClass,
      e.code,
      // Messages are VIEWER-readable: whatever vendor text reached them loses tokens, secrets and form fields here at the latest.
      scrubVendorText(e.message, [], MAX_MESSAGE),
      e.endpoint ?? null,
      (e.recordIds ?? []).slice(0, MAX_RECORD_IDS),
      e.attempts ?? 1,
    ],
  );
}

export interface ErrorLogFilter {
  errorClass?: ErrorClass | null;
  connectionId?: string | null;
}

/** The error log as the API reads it: most recently seen cause first, keyset-paged. */
export class ErrorLogQueries {
  constructor(private db: DataSource) {}

  async page(args: PageArgs, filter: ErrorLogFilter = {}): Promise<Page<SyncErrorEntity>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after);
    const sql = new SqlParams();
    const clauses = this.clauses(sql, filter);
    if (clauses === null) return toPage([], size, after, (r: ErrorRow) => toEntity(r));
    if (after) clauses.push(`(e.last_seen_at, e.id) < (${sql.param(after.at)}::timestamptz, ${sql.param(after.id)}::uuid)`);
    const rows = (await this.db.query(
      `SELECT e.*, ${sortAtSql('e.last_seen_at')} AS sort_at FROM sync_errors e WHERE ${clauses.join(' AND ')}
       ORDER BY e.last_seen_at DESC, e.id DESC LIMIT ${sql.param(size + 1)}`,
      sql.values,
    )) as ErrorRow[];
    return toPage(rows, size, after, toEntity);
  }

  async count(filter: ErrorLogFilter = {}): Promise<number> {
    const sql = new SqlParams();
    const clauses = this.clauses(sql, filter);
    if (clauses === null) return 0;
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM sync_errors e WHERE ${clauses.join(' AND ')}`, sql.values)) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  private clauses(sql: SqlParams, filter: ErrorLogFilter): string[] | null {
    const clauses = ['true'];
    if (filter.connectionId) {
      if (!isUuid(filter.connectionId)) return null;
      clauses.push(`e.connection_id = ${sql.param(filter.connectionId)}::uuid`);
    }
    if (filter.errorClass) clauses.push(`e.error_class = ${sql.param(filter.errorClass)}`);
    return clauses;
  }
}

interface ErrorRow {
  id: string;
  sort_at: string;
  connection_id: string | null;
  run_id: string | null;
  fingerprint: string;
  error_class: string;
  code: string;
  message: string;
  endpoint: string | null;
  record_ids: string[];
  first_seen_at: Date;
  last_seen_at: Date;
  occurrences: number;
  attempts: number;
}

function toEntity(r: ErrorRow): SyncErrorEntity {
  return Object.assign(new SyncErrorEntity(), {
    id: r.id,
    connectionId: r.connection_id,
    runId: r.run_id,
    fingerprint: r.fingerprint,
    errorClass: r.error_class,
    code: r.code,
    message: r.message,
    endpoint: r.endpoint,
    recordIds: r.record_ids,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    occurrences: r.occurrences,
    attempts: r.attempts,
  });
}
