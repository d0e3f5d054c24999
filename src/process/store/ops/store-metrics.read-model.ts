/**
 * Sync metrics read from the store at scrape time. Every instance reports the same
 * cluster-wide totals (runs, records, errors and API calls are rows every worker writes),
 * so a scrape of any one instance is complete and counters survive restarts.
 */
import type { Queryable } from '../queryable';
import { readCallFailureTotals } from './call-failure.repository';

/** Latency buckets in seconds: from sub-second webhooks to hour-long backlogs. */
export const LATENCY_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600];

export interface StoreMetricsSnapshot {
  runs: Array<{ connection: string; status: string; runs: number; read: number; written: number; failed: number; quarantined: number; apiCalls: number }>;
  errors: Array<{ connection: string; errorClass: string; count: number }>;
  /** Failed CRM calls by class; `recovered` when a retry absorbed them. */
  callFailures: Array<{ connection: string; errorClass: string; recovered: boolean; calls: number }>;
  connections: Array<{ connection: string; kind: string; status: string; circuit: string; apiUsed: number | null; apiLimit: number | null; quarantine: number }>;
  queue: { queuedRuns: number; runningRuns: number; pendingOutbox: number };
  latency: Array<{ connection: string; buckets: number[]; sumSeconds: number; count: number }>;
}

export async function loadStoreMetrics(db: Queryable): Promise<StoreMetricsSnapshot> {
  const runs = (await db.query(
    `SELECT c.name AS connection, s.status, count(*)::int AS runs, sum(records_read)::int AS read, sum(records_written)::int AS written,
            sum(records_failed)::int AS failed, sum(records_quarantined)::int AS quarantined, sum(api_calls)::int AS api_calls
     FROM sync_runs s JOIN connections c ON c.id = s.connection_id
     WHERE NOT s.dry_run AND s.finished_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
  )) as Array<{ connection: string; status: string; runs: number; read: number; written: number; failed: number; quarantined: number; api_calls: number }>;
  const errors = (await db.query(
    `SELECT coalesce(c.name, '') AS connection, e.error_class, sum(e.occurrences)::int AS n
     FROM sync_errors e LEFT JOIN connections c ON c.id = e.connection_id GROUP BY 1, 2 ORDER BY 1, 2`,
  )) as Array<{ connection: string; error_class: string; n: number }>;
  const connections = (await db.query(
    `SELECT c.name, c.kind, c.status, c.circuit, c.api_used, c.api_limit,
            (SELECT count(*)::int FROM quarantine q WHERE q.connection_id = c.id AND q.status = 'PENDING') AS quarantine
     FROM connections c WHERE c.deleted_at IS NULL ORDER BY c.name`,
  )) as Array<{ name: string; kind: string; status: string; circuit: string; api_used: number | null; api_limit: number | null; quarantine: number }>;
  const [queue] = (await db.query(
    `SELECT (SELECT count(*)::int FROM sync_runs WHERE status = 'QUEUED') AS queued,
            (SELECT count(*)::int FROM sync_runs WHERE status = 'RUNNING') AS running,
            (SELECT count(*)::int FROM outbox WHERE delivered_at IS NULL) AS outbox`,
  )) as Array<{ queued: number; running: number; outbox: number }>;
  const bucketColumns = LATENCY_BUCKETS.map((b, i) => `count(*) FILTER (WHERE s <= ${b})::int AS b${i}`).join(', ');
  const latency = (await db.query(
    `SELECT c.name AS connection, ${bucketColumns}, coalesce(sum(s), 0)::float8 AS sum, count(*)::int AS n
     FROM (SELECT connection_id, greatest(0, extract(epoch FROM delivered_at - source_changed_at))::float8 AS s
           FROM outbox WHERE delivered_at IS NOT NULL AND source_changed_at IS NOT NULL) d
     JOIN connections c ON c.id = d.connection_id GROUP BY 1 ORDER BY 1`,
  )) as Array<Record<string, number | string>>;
  const callFailures = await readCallFailureTotals(db);
  return {
    runs: runs.map((r) => ({ connection: r.connection, status: r.status, runs: r.runs, read: r.read, written: r.written, failed: r.failed, quarantined: r.quarantined, apiCalls: r.api_calls })),
    errors: errors.map((e) => ({ connection: e.connection, errorClass: e.error_class, count: e.n })),
    callFailures,
    connections: connections.map((c) => ({ connection: c.name, kind: c.kind, status: c.status, circuit: c.circuit, apiUsed: c.api_used, apiLimit: c.api_limit, quarantine: c.quarantine })),
    queue: { queuedRuns: queue!.queued, runningRuns: queue!.running, pendingOutbox: queue!.outbox },
    latency: latency.map((l) => ({ connection: String(l.connection), buckets: LATENCY_BUCKETS.map((_, i) => Number(l[`b${i}`])), sumSeconds: Number(l.sum), count: Number(l.n) })),
  };
}
