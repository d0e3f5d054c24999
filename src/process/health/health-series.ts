/** Success rate and latency per time bucket, for the dashboard's charts. */
import type { DataSource } from 'typeorm';

export interface HealthPoint {
  at: Date;
  successRate: number | null;
  runs: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export async function loadHealthSeries(db: DataSource, now: Date, windowMs: number, buckets: number): Promise<HealthPoint[]> {
  const step = Math.max(1000, Math.floor(windowMs / buckets));
  const rows = (await db.query(
    `WITH b AS (SELECT to_timestamp(extract(epoch FROM $1::timestamptz) - $2::float8 / 1000 * (g + 1)) AS lo,
                       to_timestamp(extract(epoch FROM $1::timestamptz) - $2::float8 / 1000 * g) AS hi
                FROM generate_series(0, $3::int - 1) g)
     SELECT b.hi AS at,
       (SELECT count(*)::int FROM sync_runs s WHERE NOT s.dry_run AND s.finished_at > b.lo AND s.finished_at <= b.hi) AS runs,
       (SELECT count(*) FILTER (WHERE status = 'SUCCEEDED')::float8 / nullif(count(*), 0) FROM sync_runs s WHERE NOT s.dry_run AND s.finished_at > b.lo AND s.finished_at <= b.hi) AS rate,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - source_changed_at) * 1000)
          FROM outbox o WHERE o.delivered_at > b.lo AND o.delivered_at <= b.hi AND o.source_changed_at IS NOT NULL) AS p50,
       (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - source_changed_at) * 1000)
          FROM outbox o WHERE o.delivered_at > b.lo AND o.delivered_at <= b.hi AND o.source_changed_at IS NOT NULL) AS p95
     FROM b ORDER BY b.hi`,
    [now, step, buckets],
  )) as Array<{ at: Date; runs: number; rate: number | null; p50: number | null; p95: number | null }>;
  const round = (v: number | null) => (v === null ? null : Math.max(0, Math.round(v)));
  return rows.map((r) => ({ at: r.at, runs: r.runs, successRate: r.rate, latencyP50Ms: round(r.p50), latencyP95Ms: round(r.p95) }));
}
