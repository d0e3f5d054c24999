/** The error log as the API reads it (table sync_errors: one row per cause). */
import type { ErrorClass } from '../../../system';
import { SyncErrorEntity } from '../entities';
import type { Queryable } from '../queryable';
import { decodeCursor, isUuid, pageSize, sortAtSql, toPage, type Page, type PageArgs } from '../read-models/pagination';
import { SqlParams } from '../read-models/sql';

export interface ErrorLogFilter {
  errorClass?: ErrorClass | null;
  connectionId?: string | null;
}

/** Most recently seen cause first, keyset-paged. */
export class ErrorLogReadModel {
  constructor(private db: Queryable) {}

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
