/**
 * The `/metrics` registry (prom-client), one per app instance: process metrics from
 * prom-client's defaults plus sync metrics computed from one store snapshot per scrape.
 */
import { collectDefaultMetrics, Registry, type Metric, type MetricObjectWithValues, type MetricType, type MetricValue } from 'prom-client';
import type { DataSource } from 'typeorm';
import { LATENCY_BUCKETS, loadStoreMetrics, type StoreMetricsSnapshot } from '../store/ops/store-metrics.read-model';

type Values = Array<MetricValue<string> & { metricName?: string }>;

/** A metric whose values come from the scrape's snapshot rather than in-process counting. */
function storeMetric(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', snapshot: () => Promise<StoreMetricsSnapshot>, values: (s: StoreMetricsSnapshot) => Values): Metric {
  const metric = {
    name,
    help,
    type,
    async get(): Promise<Omit<MetricObjectWithValues<MetricValue<string>>, 'collect'>> {
      return { name, help, type: type as unknown as MetricType, values: values(await snapshot()), aggregator: 'first' };
    },
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}

export function createMetricsRegistry(db: DataSource, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'junction_' });
  // One snapshot per scrape, however many metrics read it.
  let pending: { at: number; snapshot: Promise<StoreMetricsSnapshot> } | undefined;
  const snapshot = () => {
    if (!pending || Date.now() - pending.at > 500) pending = { at: Date.now(), snapshot: loadStoreMetrics(db) };
    return pending.snapshot;
  };
  const add = (...args: Parameters<typeof storeMetric>) => registry.registerMetric(storeMetric(...args));

  add('junction_sync_runs_total', 'Finished sync runs by connection and final status.', 'counter', snapshot, (s) =>
    s.runs.map((r) => ({ labels: { connection: r.connection, status: r.status }, value: r.runs })),
  );
  add('junction_sync_records_total', 'Records handled by sync runs, by outcome (read, written, failed, quarantined).', 'counter', snapshot, (s) =>
    s.runs.flatMap((r) =>
      (['read', 'written', 'failed', 'quarantined'] as const).map((outcome) => ({ labels: { connection: r.connection, status: r.status, outcome }, value: r[outcome] })),
    ),
  );
  add('junction_sync_errors_total', 'Errors logged by class (occurrences).', 'counter', snapshot, (s) =>
    s.errors.map((e) => ({ labels: { connection: e.connection, error_class: e.errorClass }, value: e.count })),
  );
  add('junction_call_failures_total', 'Failed CRM calls by class; outcome "recovered" when a retry absorbed them, "final" when the call failed for good.', 'counter', snapshot, (s) =>
    s.callFailures.map((f) => ({ labels: { connection: f.connection, error_class: f.errorClass, outcome: f.recovered ? 'recovered' : 'final' }, value: f.calls })),
  );
  add('junction_api_calls_total', 'CRM API calls made by sync runs.', 'counter', snapshot, (s) => {
    const byConnection = new Map<string, number>();
    for (const r of s.runs) byConnection.set(r.connection, (byConnection.get(r.connection) ?? 0) + r.apiCalls);
    return [...byConnection].map(([connection, value]) => ({ labels: { connection }, value }));
  });
  add('junction_api_usage_ratio', "API calls used / the CRM's daily limit, as last reported.", 'gauge', snapshot, (s) =>
    s.connections.filter((c) => c.apiLimit).map((c) => ({ labels: { connection: c.connection }, value: (c.apiUsed ?? 0) / c.apiLimit! })),
  );
  add('junction_quarantine_size', 'Records waiting in quarantine.', 'gauge', snapshot, (s) => s.connections.map((c) => ({ labels: { connection: c.connection }, value: c.quarantine })));
  add('junction_queue_depth', 'Work waiting: queued and running sync runs, undelivered outbox rows.', 'gauge', snapshot, (s) => [
    { labels: { queue: 'sync_runs_queued' }, value: s.queue.queuedRuns },
    { labels: { queue: 'sync_runs_running' }, value: s.queue.runningRuns },
    { labels: { queue: 'outbox_pending' }, value: s.queue.pendingOutbox },
  ]);
  add('junction_circuit_open', '1 while the connection circuit breaker is open.', 'gauge', snapshot, (s) => s.connections.map((c) => ({ labels: { connection: c.connection }, value: c.circuit === 'OPEN' ? 1 : 0 })));
  add('junction_sync_latency_seconds', 'Seconds from a change in its source CRM to its delivery to this target.', 'histogram', snapshot, (s) =>
    s.latency.flatMap((l) => [
      ...LATENCY_BUCKETS.map((le, i) => ({ metricName: 'junction_sync_latency_seconds_bucket', labels: { connection: l.connection, le }, value: l.buckets[i]! })),
      { metricName: 'junction_sync_latency_seconds_bucket', labels: { connection: l.connection, le: '+Inf' }, value: l.count },
      { metricName: 'junction_sync_latency_seconds_sum', labels: { connection: l.connection }, value: l.sumSeconds },
      { metricName: 'junction_sync_latency_seconds_count', labels: { connection: l.connection }, value: l.count },
    ]),
  );
  return registry;
}
