/** Read side of unified companies: keyset pages and batched look-ups by id. */
import type { CompanyEntity } from '../entities';
import type { Queryable } from '../queryable';
import { decodeCursor, isUuid, pageSize, sortAtSql, toPage, type Page, type PageArgs } from './pagination';
import { mapCompany, type Row } from './row-mappers';
import { SqlParams } from './sql';

export interface CompanyFilter {
  includeDeleted?: boolean | null;
}

export class CompanyReadModel {
  constructor(private db: Queryable) {}

  async page(args: PageArgs, filter: CompanyFilter = {}): Promise<Page<CompanyEntity>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after);
    const sql = new SqlParams();
    const clauses = this.clauses(filter);
    if (after) clauses.push(`(c.created_at, c.id) > (${sql.param(after.at)}::timestamptz, ${sql.param(after.id)}::uuid)`);
    const rows = (await this.db.query(
      `SELECT c.*, ${sortAtSql('c.created_at')} AS sort_at FROM companies c WHERE ${clauses.join(' AND ')}
       ORDER BY c.created_at, c.id LIMIT ${sql.param(size + 1)}`,
      sql.values,
    )) as Array<Row & { sort_at: string; id: string }>;
    return toPage(rows, size, after, mapCompany);
  }

  async count(filter: CompanyFilter = {}): Promise<number> {
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM companies c WHERE ${this.clauses(filter).join(' AND ')}`)) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  async byIds(ids: readonly string[]): Promise<CompanyEntity[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = (await this.db.query(`SELECT * FROM companies WHERE id = ANY($1::uuid[])`, [valid])) as Row[];
    return rows.map(mapCompany);
  }

  private clauses(filter: CompanyFilter): string[] {
    return filter.includeDeleted ? ['true'] : ['c.deleted_at IS NULL'];
  }
}
