/** `/metrics` parses as Prometheus text, and its counters move with a real sync. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

let sync: SyncHarness;
let h: Harness;

beforeAll(async () => {
  sync = await startSyncHarness({ seed: 8, crms: ['SALESFORCE', 'HUBSPOT'] });
  h = await startHarness(sync.db);
});

afterAll(async () => {
  await h?.close();
  await sync?.close();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the text exposition format: throws on any line it does not understand.
 * NaN in any case, as Prometheus's own parser (Go ParseFloat) reads it: prom-client writes `Nan`.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$/.exec(line);
    if (m) continue;
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?(?:[0-9.e+-]+|[Nn]a[Nn]|\+Inf|-Inf))$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]!) && !types.has(family)) throw new Error(`sample without a TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

async function scrape() {
  const res = await fetch(`${h.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheus(await res.text());
}

const total = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

describe('/metrics', () => {
  it('parses as Prometheus text and its counters move with a sync', async () => {
    const before = await scrape();
    expect(before.types.get('junction_sync_runs_total')).toBe('counter');
    expect(before.types.get('junction_sync_latency_seconds')).toBe('histogram');
    expect(before.types.get('junction_queue_depth')).toBe('gauge');
    expect(total(before.samples, 'junction_sync_runs_total', { status: 'SUCCEEDED' })).toBe(0);
    expect(before.samples.some((s) => s.name === 'junction_process_cpu_user_seconds_total')).toBe(true);

    const runs = await sync.syncAll();
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // A second round delivers what the first stored for the other CRM.
    await sync.syncAll();

    await new Promise((r) => setTimeout(r, 600)); // past the per-scrape snapshot reuse (fast syncs finish within it)
    const after = await scrape();
    // Two rounds of two runs, plus any delivery run a pull queued for the other CRM.
    const [{ n: succeeded }] = (await sync.db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE status = 'SUCCEEDED'`)) as Array<{ n: number }>;
    expect(succeeded).toBeGreaterThanOrEqual(4);
    expect(total(after.samples, 'junction_sync_runs_total', { status: 'SUCCEEDED' })).toBe(succeeded);
    expect(total(after.samples, 'junction_sync_records_total', { outcome: 'read' })).toBeGreaterThanOrEqual(16);
    expect(total(after.samples, 'junction_sync_records_total', { outcome: 'written' })).toBeGreaterThan(0);
    expect(total(after.samples, 'junction_api_calls_total')).toBeGreaterThan(total(before.samples, 'junction_api_calls_total'));
    const delivered = total(after.samples, 'junction_sync_latency_seconds_count');
    expect(delivered).toBeGreaterThan(0);
    expect(total(after.samples, 'junction_sync_latency_seconds_bucket', { le: '+Inf' })).toBe(delivered);
    expect(after.samples.filter((s) => s.name === 'junction_api_usage_ratio').length).toBeGreaterThan(0);
    expect(total(after.samples, 'junction_queue_depth', { queue: 'sync_runs_queued' })).toBe(0);
  });

  it('counts errors by class, failed calls by class and outcome, and quarantine size', async () => {
    const [conn] = (await sync.db.dataSource.query(`SELECT id, name FROM connections ORDER BY name LIMIT 1`)) as Array<{ id: string; name: string }>;
    await sync.db.dataSource.query(`INSERT INTO sync_errors (connection_id, fingerprint, error_class, code, message, occurrences) VALUES ($1, 'm1', 'RATE_LIMIT', '429', 'x', 4)`, [conn!.id]);
    await sync.db.dataSource.query(`INSERT INTO quarantine (connection_id, record_kind, remote_id, payload, issues) VALUES ($1, 'CONTACT', 'mq1', '{}', '[]')`, [conn!.id]);
    // 429s a retry absorbed in two minutes, one 503 that failed for good.
    await sync.db.dataSource.query(
      `INSERT INTO call_failures (bucket_at, connection_id, error_class, recovered, calls) VALUES
       (date_trunc('minute', now()) - interval '1 minute', $1, 'RATE_LIMIT', true, 5), (date_trunc('minute', now()), $1, 'RATE_LIMIT', true, 2), (date_trunc('minute', now()), $1, 'SERVER', false, 1)`,
      [conn!.id],
    );
    await new Promise((r) => setTimeout(r, 600)); // past the per-scrape snapshot reuse
    const { samples } = await scrape();
    expect(total(samples, 'junction_sync_errors_total', { connection: conn!.name, error_class: 'RATE_LIMIT' })).toBe(4);
    expect(total(samples, 'junction_quarantine_size', { connection: conn!.name })).toBeGreaterThanOrEqual(1);
    expect(total(samples, 'junction_call_failures_total', { connection: conn!.name, error_class: 'RATE_LIMIT', outcome: 'recovered' })).toBe(7);
    expect(total(samples, 'junction_call_failures_total', { connection: conn!.name, error_class: 'SERVER', outcome: 'final' })).toBe(1);
    expect(total(samples, 'junction_call_failures_total', { connection: conn!.name, error_class: 'RATE_LIMIT', outcome: 'final' })).toBe(0);
  });
});
