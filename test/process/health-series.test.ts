/**
 * The health series, now one pass per table: each bucket holds what finished in (its end −
 * step, its end], newest last; dry runs and undelivered rows are left out; latencies are
 * the bucket's own p50/p95. Checked against rows placed on the bucket edges.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHealthSeries } from '../../src/process/health/health-series';
import { insertConnection } from '../support/builders';
import { useDatabase } from '../support/database';

const db = useDatabase();
const NOW = new Date('2025-03-01T12:00:00.000Z');
const STEP = 10 * 60_000;
const at = (msBeforeNow: number) => new Date(NOW.getTime() - msBeforeNow);

beforeAll(async () => {
  const connection = await insertConnection(db.dataSource);
  const run = (finished: Date, status: string, dryRun = false) =>
    db.dataSource.query(`INSERT INTO sync_runs (connection_id, mode, status, finished_at, dry_run) VALUES ($1, 'INCREMENTAL', $2, $3, $4)`, [connection, status, finished, dryRun]);
  await run(NOW, 'SUCCEEDED'); // the newest bucket's end: inside it
  await run(at(STEP), 'FAILED'); // the newest bucket's start: the next bucket's end
  await run(at(STEP + 1), 'SUCCEEDED');
  await run(at(5 * STEP), 'SUCCEEDED'); // the window's start: outside
  await run(at(-1000), 'SUCCEEDED'); // after now: outside
  await run(at(1000), 'FAILED', true); // a dry run: never counted
  const delivery = (delivered: Date | null, latencyMs: number) =>
    db.dataSource.query(`INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at, delivered_at) VALUES ($1, 'CONTACT', gen_random_uuid(), $2, $3)`, [
      connection,
      new Date((delivered ?? NOW).getTime() - latencyMs),
      delivered,
    ]);
  for (const ms of [100, 200, 300, 400, 500]) await delivery(at(2 * STEP + 1000), ms);
  await delivery(null, 99_999); // pending: no latency yet
});

describe('loadHealthSeries', () => {
  it('buckets runs and deliveries by (start, end], oldest first', async () => {
    const series = await loadHealthSeries(db.dataSource, NOW, 5 * STEP, 5);
    expect(series.map((p) => p.at.toISOString())).toEqual([4, 3, 2, 1, 0].map((g) => at(g * STEP).toISOString()));
    expect(series.map((p) => p.runs)).toEqual([0, 0, 0, 2, 1]);
    expect(series[3]).toMatchObject({ runs: 2, successRate: 0.5 });
    expect(series[4]).toMatchObject({ runs: 1, successRate: 1 });
    expect(series[0]!.successRate).toBeNull();
    // Five deliveries 100–500 ms late, all in the bucket ending 2 steps ago.
    expect(series[2]).toMatchObject({ runs: 0, latencyP50Ms: 300, latencyP95Ms: 480 });
    expect(series.filter((p) => p.latencyP50Ms !== null)).toHaveLength(1);
  });
});
