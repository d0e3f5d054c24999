/** Persists failed authentications (table auth_failures) and answers the audit's count. */
import { countAuthFailuresByReason, insertAuthFailure, pruneAuthFailures } from '../store/ops/auth-failure.repository';
import type { Queryable } from '../store/queryable';
import type { AuthFailure, AuthFailureReason, AuthFailureSink } from './auth-failures';

export interface AuthFailureSummary {
  total: number;
  byReason: Partial<Record<AuthFailureReason, number>>;
}

export class AuthFailureStore implements AuthFailureSink {
  constructor(private db: Queryable) {}

  async save(f: AuthFailure): Promise<void> {
    await insertAuthFailure(this.db, {
      at: new Date(f.at),
      reason: f.reason,
      transport: f.transport,
      keyPrefix: f.keyPrefix ?? null,
      sourceAddress: f.sourceAddress ?? null,
      count: f.count ?? 1,
    });
  }

  /** Failures in the last `hours` (the audit asks for 24), in total and per reason; a row counts as many as it stands for. */
  async summarySince(hours = 24): Promise<AuthFailureSummary> {
    const rows = await countAuthFailuresByReason(this.db, hours);
    const byReason = Object.fromEntries(rows.map((r) => [r.reason, r.count])) as AuthFailureSummary['byReason'];
    return { total: rows.reduce((sum, r) => sum + r.count, 0), byReason };
  }

  /** Drops rows older than the audit looks back (called by whoever schedules housekeeping). */
  async prune(olderThanDays = 30): Promise<number> {
    return pruneAuthFailures(this.db, olderThanDays);
  }
}
