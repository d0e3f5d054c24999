/**
 * Keeps the planner's statistics current while a sync writes, instead of trusting autovacuum.
 *
 * A bulk load grows the store faster than autovacuum's analyze may follow, embedded PGlite
 * has no autovacuum at all, and a server can have it switched off (this machine's CI server
 * has). Without statistics the planner guesses: at 750,000 contacts it took the page lookups
 * for a few thousand rows and hashed or scanned every link and every contact, 250–600 ms per
 * page and growing with the store (BENCHMARKS.md, scenario 6). After a page commits, tables
 * whose rows changed by more than autovacuum's own analyze threshold since they were last
 * analyzed (50 rows + 10 %) are analyzed — at most once every few seconds per process, so a
 * million-record load analyzes each table a few dozen times, each a sample of 30,000 rows.
 */
import type { DataSource } from 'typeorm';

const CHECK_EVERY_MS = 5_000;
const THRESHOLD_ROWS = 50;
const THRESHOLD_SHARE = 0.1;

export class PlannerStatistics {
  private lastCheck = 0;
  private running: Promise<void> | undefined;

  constructor(
    private db: DataSource,
    private log?: (level: 'info' | 'warn', msg: string, data?: Record<string, unknown>) => void,
  ) {}

  /** Called after a write commits; analyzes stale tables now and then, never concurrently. */
  async afterWrite(now = Date.now()): Promise<void> {
    if (this.running || now - this.lastCheck < CHECK_EVERY_MS) return;
    this.lastCheck = now;
    this.running = this.analyzeStale()
      .then(() => undefined)
      .finally(() => (this.running = undefined));
    await this.running;
  }

  /** Analyzes the application's tables whose changes since the last analyze pass the threshold; returns their names. */
  async analyzeStale(): Promise<string[]> {
    const stale = (await this.db.query(
      `SELECT relname FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND n_mod_since_analyze > $1::float8 + $2::float8 * greatest(n_live_tup, 0)`,
      [THRESHOLD_ROWS, THRESHOLD_SHARE],
    )) as Array<{ relname: string }>;
    const names = stale.map((r) => r.relname);
    try {
      for (const name of names) await this.db.query(`ANALYZE ${quoteIdent(name)}`);
    } catch (err) {
      // Statistics are an optimization: a failed ANALYZE (a lock, a permission) never fails a sync.
      this.log?.('warn', 'planner statistics not refreshed', { tables: names, error: String(err) });
    }
    return names;
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
