/**
 * Issue 14, finding 2: five aliased `healthSeries(buckets: 200, window: "90d")` took 12 s
 * and starved the pool. Now healthSeries weighs buckets × window days ÷ 4 against the cost
 * limit (aliases, fragments and variables add up), its window and buckets stay bounded, it
 * reads each table once, and what it scans is indexed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql, useHarness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { wsRun } from './support';

const db = useDatabase();
const h = useHarness(db);
let viewer: string;

beforeAll(async () => {
  viewer = await h.keyFor('VIEWER');
  const connection = await insertConnection(db.dataSource);
  // 20,000 runs of long ago and a few in the window: the window's rows are read by index.
  await db.dataSource.query(
    `INSERT INTO sync_runs (connection_id, mode, status, finished_at)
     SELECT $1, 'INCREMENTAL', 'SUCCEEDED', now() - interval '400 days' - g * interval '1 minute' FROM generate_series(1, 20000) g`,
    [connection],
  );
  await db.dataSource.query(
    `INSERT INTO sync_runs (connection_id, mode, status, finished_at) SELECT $1, 'INCREMENTAL', 'SUCCEEDED', now() - g * interval '1 hour' FROM generate_series(1, 5) g`,
    [connection],
  );
  await db.dataSource.query(`ANALYZE sync_runs`);
});

afterAll(async () => {
  if (h) expectNoSecretsInLogs(h.logLines, [viewer]);
});

const SERIES = (alias: string, buckets: number | string, window: string) => `${alias}: healthSeries(buckets: ${buckets}, window: ${window}) { at runs successRate }`;

describe('healthSeries in the cost limit', () => {
  it('refuses five aliased 200-bucket, 90-day series at once, naming the weighting', async () => {
    const query = `{ ${[1, 2, 3, 4, 5].map((i) => SERIES(`s${i}`, 200, '"90d"')).join(' ')} }`;
    const started = performance.now();
    const res = await gql(h.url, query, {}, viewer);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.status).toBe(400);
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost' });
    expect(res.body.errors![0]!.message).toBe(
      'Query Cost limit of 5000 exceeded, found 22500 (healthSeries weighs buckets × window days ÷ 4): ask for fewer buckets, a shorter window or fewer aliases',
    );
  });

  it('adds up series sent through variables and fragments, over HTTP and graphql-ws', async () => {
    const query = `query($b: Int, $w: String) { a: healthSeries(buckets: $b, window: $w) { at } ...F ... on Query { c: healthSeries(buckets: $b, window: $w) { at } } }
      fragment F on Query { b: healthSeries(buckets: $b, window: $w) { at } }`;
    const variables = { b: 200, w: '60d' };
    const http = await gql(h.url, query, variables, viewer);
    expect(http.body.errors![0]!.message).toMatch(/Query Cost limit of 5000 exceeded, found 9000 /);
    const ws = await wsRun(h.url, `Bearer ${viewer}`, { query, variables });
    expect(ws.errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxCost' });
  });

  it('still answers one full series, and the dashboard’s query', async () => {
    const one = await gql<{ s: unknown[] }>(h.url, `{ ${SERIES('s', 200, '"90d"')} }`, {}, viewer);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data!.s).toHaveLength(200);
    const dashboard = await gql<{ healthSeries: Array<{ runs: number }> }>(
      h.url,
      `query($window: String) { health(window: $window) { status } healthSeries(window: $window, buckets: 24) { at runs } alerts(active: true) { id } }`,
      { window: '24h' },
      viewer,
    );
    expect(dashboard.body.errors).toBeUndefined();
    expect(dashboard.body.data!.healthSeries.reduce((n, p) => n + p.runs, 0)).toBe(5);
  });

  it('keeps buckets within 1–200 and the window within 90 days', async () => {
    for (const [buckets, window, field] of [[201, '"1h"', 'buckets'], [0, '"1h"', 'buckets'], [24, '"91d"', 'window'], [24, '"99999999999d"', 'window']] as const) {
      const res = await gql(h.url, `{ ${SERIES('s', buckets, window)} }`, {}, viewer);
      expect(codes(res), `${buckets} ${window}`).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0]!.extensions).toMatchObject({ field });
    }
  });
});

describe('what healthSeries scans', () => {
  it('is indexed: runs by finished_at, deliveries by delivered_at', async () => {
    const plan = async (sql: string) => JSON.stringify(await db.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`));
    expect(await plan(`SELECT count(*) FROM sync_runs s WHERE NOT s.dry_run AND s.finished_at IS NOT NULL AND s.finished_at > now() - interval '1 day' AND s.finished_at <= now()`)).toContain(
      'sync_runs_finished',
    );
    const indexes = (await db.dataSource.query(`SELECT indexname FROM pg_indexes WHERE indexname IN ('sync_runs_finished', 'outbox_delivered') ORDER BY 1`)) as Array<{ indexname: string }>;
    expect(indexes.map((i) => i.indexname)).toEqual(['outbox_delivered', 'sync_runs_finished']);
  });
});
