/**
 * Planner statistics kept by the sync itself: a table a write grew past autovacuum's analyze
 * threshold is analyzed (this machine's PostgreSQL runs without autovacuum, and embedded
 * PGlite has none), and one that did not change is left alone.
 */
import { describe, expect, it } from 'vitest';
import { PlannerStatistics } from '../../src/process/store/planner-statistics';
import { useDatabase } from '../support/database';
import { waitFor } from '../support/junction-process';

const db = useDatabase();

const lastAnalyzed = async (table: string) =>
  ((await db.dataSource.query(`SELECT last_analyze FROM pg_stat_user_tables WHERE relname = $1`, [table])) as Array<{ last_analyze: Date | null }>)[0]
    ?.last_analyze ?? null;

describe('planner statistics', () => {
  it('analyzes a table a write grew past its statistics, and then leaves it alone', async () => {
    const stats = new PlannerStatistics(db.dataSource);
    await stats.analyzeStale();
    await db.dataSource.query(`INSERT INTO companies (name, name_key) SELECT 'Stats Co ' || i, 'stats co ' || i FROM generate_series(1, 500) i`);
    // The write's counts reach the statistics views when its session reports them (within a second).
    const analyzed = await waitFor(() => stats.analyzeStale(), (tables) => tables.includes('companies'), 10_000, 'companies to be analyzed');
    expect(analyzed).toContain('companies');
    expect(await lastAnalyzed('companies')).not.toBeNull();
    expect(await stats.analyzeStale()).not.toContain('companies');
  });
});
