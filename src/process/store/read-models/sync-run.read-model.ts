/** Sync runs, newest first, optionally of one connection. */
import type { StoredRunLogEntry } from '../../stored';
import type { SyncRunEntity } from '../entities';
import type { Queryable } from '../queryable';
import { decodeCursor, isUuid, pageSize, sortAtSql, toPage, type Page, type PageArgs } from './pagination';
import { mapSyncRun, type Row } from './row-mappers';
import { SqlParams } from './sql';

export interface SyncRunFilter {
  connectionId?: string | null;
}

export class SyncRunReadModel {
  constructor(private db: Queryable) {}

  async page(args: PageArgs, filter: SyncRunFilter = {}): Promise<Page<SyncRunEntity>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after);
    const sql = new SqlParams();
    const clauses = this.clauses(sql, filter);
    if (clauses === null) return toPage([], size, after, mapSyncRun);
    // Newest first, so the keyset moves backwards in time.
    if (after) clauses.push(`(r.created_at, r.id) < (${sql.param(after.at)}::timestamptz, ${sql.param(after.id)}::uuid)`);
    const rows = (await this.db.query(
      `SELECT r.*, ${sortAtSql('r.created_at')} AS sort_at FROM sync_runs r WHERE ${clauses.join(' AND ')}
       ORDER BY r.created_at DESC, r.id DESC LIMIT ${sql.param(size + 1)}`,
      sql.values,
    )) as Array<Row & { sort_at: string; id: string }>;
    return toPage(rows, size, after, mapSyncRun);
  }

  async count(filter: SyncRunFilter = {}): Promise<number> {
    const sql = new SqlParams();
    const clauses = this.clauses(sql, filter);
    if (clauses === null) return 0;
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM sync_runs r WHERE ${clauses.join(' AND ')}`, sql.values)) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  async byId(id: string): Promise<SyncRunEntity | null> {
    if (!isUuid(id)) return null;
    const rows = (await this.db.query(`SELECT * FROM sync_runs WHERE id = $1`, [id])) as Row[];
    return rows[0] ? mapSyncRun(rows[0]) : null;
  }

  /** The run's step log (sync_run_logs), oldest first; empty for a run that logged nothing yet. */
  async log(runId: string): Promise<StoredRunLogEntry[]> {
    if (!isUuid(runId)) return [];
    const rows = (await this.db.query(`SELECT entries FROM sync_run_logs WHERE run_id = $1`, [runId])) as Array<{ entries: StoredRunLogEntry[] }>;
    return rows[0]?.entries ?? [];
  }

  private clauses(sql: SqlParams, filter: SyncRunFilter): string[] | null {
    const clauses = ['true'];
    if (filter.connectionId) {
      if (!isUuid(filter.connectionId)) return null;
      clauses.push(`r.connection_id = ${sql.param(filter.connectionId)}::uuid`);
    }
    return clauses;
  }
}
