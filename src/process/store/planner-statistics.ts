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
 *
 * The statistics views lag the writes (a busy session reports its counts at most once a
 * second, and only when idle), so they cannot see a store grown from nothing in the first
 * seconds of a load. The sync counts the records it applied itself: once they pass the number
 * of contacts the planner last knew of, the tables a page writes are analyzed at once. That
 * happens a handful of times per load (1,000, 2,000, 4,000 … records). Without it the first
 * 10,000-row bulk page ran on the statistics of an empty store, and the planner read the
 * fuzzy-duplicate block through the wrong index: 200–390 ms a slice instead of a few
 * (BENCHMARKS.md, issue 20).
 */
import type { DataSource } from 'typeorm';
import { isSingleSession } from './data-source';

const CHECK_EVERY_MS = 5_000;
const THRESHOLD_ROWS = 50;
const THRESHOLD_SHARE = 0.1;
/** Records applied before the first analyze on our own count (a smaller store is read whole anyway). */
const FIRST_GROWTH = 500;
/** What an inbound page writes. */
const PAGE_TABLES = ['contacts', 'companies', 'record_provenance', 'source_links', 'duplicate_candidates', 'outbox'];

export class PlannerStatistics {
  private lastCheck = 0;
  private running: Promise<void> | undefined;
  /** Records applied since the page tables were last analyzed on our own count, and the contacts the planner knew of then. */
  private applied = 0;
  private known: number | undefined;

  constructor(
    private db: DataSource,
    private log?: (level: 'info' | 'warn', msg: string, data?: Record<string, unknown>) => void,
  ) {}

  /**
   * Called after a write of `applied` records commits; analyzes stale tables now and then, never
   * concurrently. On a server the ANALYZE runs on a pooled connection of its own beside the
   * sync's next slice (15 of them took ~12 s of a 100,000-contact run when the sync waited);
   * the embedded server has one session, so there the sync waits for it.
   */
  async afterWrite(applied = 0, now = Date.now()): Promise<void> {
    this.applied += applied;
    if (this.running) return;
    this.running = this.check(now)
      // Statistics are an optimization: a failure (the store closing under it) never fails a sync.
      .catch((err: unknown) => this.log?.('warn', 'planner statistics not refreshed', { error: String(err) }))
      .finally(() => (this.running = undefined));
    if (isSingleSession(this.db)) await this.running;
  }

  private async check(now: number): Promise<void> {
    this.known ??= await this.knownContacts();
    if (this.applied > Math.max(FIRST_GROWTH, this.known)) {
      await this.analyze(PAGE_TABLES);
      this.known = await this.knownContacts();
      this.applied = 0;
    } else if (now - this.lastCheck >= CHECK_EVERY_MS) {
      this.lastCheck = now;
      await this.analyzeStale();
    }
  }

  /** The planner's count of contacts (0 before the first analyze). */
  private async knownContacts(): Promise<number> {
    const rows = (await this.db.query(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass('contacts')`)) as Array<{ n: number }>;
    return Number(rows[0]?.n ?? 0);
  }

  /** Analyzes the application's tables whose changes since the last analyze pass the threshold; returns their names. */
  async analyzeStale(): Promise<string[]> {
    const stale = (await this.db.query(
      `SELECT relname FROM pg_stat_user_tables
       WHERE schemaname = current_schema() AND n_mod_since_analyze > $1::float8 + $2::float8 * greatest(n_live_tup, 0)`,
      [THRESHOLD_ROWS, THRESHOLD_SHARE],
    )) as Array<{ relname: string }>;
    const names = stale.map((r) => r.relname);
    await this.analyze(names);
    return names;
  }

  private async analyze(names: string[]): Promise<void> {
    try {
      for (const name of names) await this.db.query(`ANALYZE ${quoteIdent(name)}`);
    } catch (err) {
      // Statistics are an optimization: a failed ANALYZE (a lock, a permission) never fails a sync.
      this.log?.('warn', 'planner statistics not refreshed', { tables: names, error: String(err) });
    }
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
