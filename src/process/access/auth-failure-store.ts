/** Persists failed authentications (table auth_failures) and answers the audit's count. */
import type { DataSource } from 'typeorm';
import type { AuthFailure, AuthFailureReason, AuthFailureSink } from './auth-failures';

export interface AuthFailureSummary {
  total: number;
  byReason: Partial<Record<AuthFailureReason, number>>;
}

export class AuthFailureStore implements AuthFailureSink {
  constructor(private db: DataSource) {}

  async save(f: AuthFailure): Promise<void> {
    await this.db.query(`INSERT INTO auth_failures (at, reason, transport, key_prefix, source_address, count) VALUES ($1, $2, $3, $4, $5, $6)`, [
      new Date(f.at),
      f.reason,
      f.transport,
      f.keyPrefix ?? null,
      f.sourceAddress ?? null,
      f.count ?? 1,
    ]);
  }

  /** Failures in the last `hours` (the audit asks for 24), in total and per reason; a row counts as many as it stands for. */
  async summarySince(hours = 24): Promise<AuthFailureSummary> {
    const rows = (await this.db.query(
      `SELECT reason, sum(count)::int AS n FROM auth_failures WHERE at >= now() - make_interval(hours => $1) GROUP BY reason`,
      [hours],
    )) as Array<{ reason: AuthFailureReason; n: number }>;
    const byReason = Object.fromEntries(rows.map((r) => [r.reason, r.n])) as AuthFailureSummary['byReason'];
    return { total: rows.reduce((sum, r) => sum + r.n, 0), byReason };
  }

  /** Drops rows older than the audit looks back (called by whoever schedules housekeeping). */
  async prune(olderThanDays = 30): Promise<number> {
    const [, count] = (await this.db.query(`DELETE FROM auth_failures WHERE at < now() - make_interval(days => $1)`, [olderThanDays])) as [unknown, number];
    return count;
  }
}
