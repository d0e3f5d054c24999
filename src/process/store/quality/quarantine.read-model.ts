/** The quarantine queue for the API: newest first, any status, optionally of one connection. */
import type { Queryable } from '../queryable';
import { decodeCursor, isUuid, pageSize, sortAtSql, toPage, type Page, type PageArgs } from '../read-models/pagination';
import { SqlParams } from '../read-models/sql';
import { toQuarantineEntry, type QuarantineEntry, type QuarantineRow } from './quarantine.repository';

export interface QuarantineFilter {
  connectionId?: string | null;
  status?: QuarantineEntry['status'] | null;
}

type Row = QuarantineRow & { sort_at: string };

export class QuarantineReadModel {
  constructor(private db: Queryable) {}

  async page(args: PageArgs, filter: QuarantineFilter = {}): Promise<Page<QuarantineEntry>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after);
    const sql = new SqlParams();
    const clauses = this.clauses(sql, filter);
    if (!clauses) return toPage([], size, after, toQuarantineEntry);
    if (after) clauses.push(`(q.created_at, q.id) < (${sql.param(after.at)}::timestamptz, ${sql.param(after.id)}::uuid)`);
    const rows = (await this.db.query(
      `SELECT q.*, ${sortAtSql('q.created_at')} AS sort_at FROM quarantine q WHERE ${clauses.join(' AND ')}
       ORDER BY q.created_at DESC, q.id DESC LIMIT ${sql.param(size + 1)}`,
      sql.values,
    )) as Row[];
    return toPage(rows, size, after, toQuarantineEntry);
  }

  async count(filter: QuarantineFilter = {}): Promise<number> {
    const sql = new SqlParams();
    const clauses = this.clauses(sql, filter);
    if (!clauses) return 0;
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM quarantine q WHERE ${clauses.join(' AND ')}`, sql.values)) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  async byId(id: string): Promise<QuarantineEntry | null> {
    if (!isUuid(id)) return null;
    const rows = (await this.db.query(`SELECT * FROM quarantine WHERE id = $1`, [id])) as Row[];
    return rows[0] ? toQuarantineEntry(rows[0]) : null;
  }

  private clauses(sql: SqlParams, filter: QuarantineFilter): string[] | null {
    const clauses = ['true'];
    if (filter.connectionId) {
      if (!isUuid(filter.connectionId)) return null;
      clauses.push(`q.connection_id = ${sql.param(filter.connectionId)}::uuid`);
    }
    if (filter.status) clauses.push(`q.status = ${sql.param(filter.status)}`);
    return clauses;
  }
}
