/**
 * An operator cancels a run through the API (issue 17 item 6). A BULK run cancelled mid-read
 * stops at its next page, ends CANCELLED with exactly the pages its checkpoint covers, and is
 * not retried; the next run finishes the read from that checkpoint, and the store and the
 * other CRM end up with every person once — none missing, none doubled. A queued run cancelled
 * ends CANCELLED at once; an ended one is a CONFLICT. The run's log and its progress (the
 * vendor's total, an ETA) are read through `syncRun`. The API server is not the process that
 * runs the sync: the cancel reaches the engine through the database, as across instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople } from '../../src/system';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/junction-process';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { emulatorRecords } from './support';

const PEOPLE = 450;
/** Per vendor call: long enough to cancel in the middle of the read. */
const LATENCY_MS = 150;

const CANCEL = `mutation CancelSync($runId: ID!) { cancelSync(runId: $runId) { id status finishedAt recordsRead recordsWritten } }`;
const RUN_LOG = `query SyncRunLog($id: ID!) { syncRun(id: $id) { id status progress recordsTotal etaSeconds log { at level message } } }`;

interface RunLogView {
  id: string;
  status: string;
  progress: number;
  recordsTotal: number | null;
  etaSeconds: number | null;
  log: Array<{ at: string; level: string; message: string }>;
}

describe('cancelling a run', () => {
  let h: SyncHarness;
  let api: Harness;
  let operator: string;
  let hubspotId: string;
  let sourceRecords = 0;
  const sql = async <T>(text: string, params: unknown[] = []) => (await h.db.dataSource.query(text, params)) as T[];
  const count = async (text: string, params: unknown[] = []) => (await sql<{ n: number }>(text, params))[0]!.n;
  const faults = (body: Record<string, unknown>) =>
    fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const runLog = async (id: string) => (await gql<{ syncRun: RunLogView }>(api.url, RUN_LOG, { id }, operator)).body.data!.syncRun;
  const linked = () => count(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1`, [hubspotId]);

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 0, crms: ['HUBSPOT', 'SALESFORCE'] });
    hubspotId = h.connectionIds.get('HUBSPOT')!;
    h.emulators.get('HUBSPOT')!.seed(demoPeople(PEOPLE, 11, 0));
    for (const object of ['contacts', 'companies']) sourceRecords += (await emulatorRecords(h, 'HUBSPOT', object)).length;
    api = await startHarness(h.db);
    operator = await api.keyFor('OPERATOR');
    // Both connections pass their test batches first: the runs below are pages and deliveries only.
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    expect((await h.sync('HUBSPOT', 'TEST_BATCH')).status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('a queued run ends CANCELLED at once, and its job runs nothing', async () => {
    const run = runOf(await h.runs.trigger(hubspotId, 'INCREMENTAL'));
    const res = await gql<{ cancelSync: { status: string; finishedAt: string | null } }>(api.url, CANCEL, { runId: run.id }, operator);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.cancelSync).toMatchObject({ status: 'CANCELLED', finishedAt: expect.any(String) });
    expect(await h.worker.drain()).toBe(0);
    const view = await runLog(run.id);
    expect(view.status).toBe('CANCELLED');
    expect(view.log.map((e) => e.message)).toEqual(['cancelled by an operator before it started']);
    // Ended, it cannot be cancelled again; an unknown run is not found.
    expect(codes(await gql(api.url, CANCEL, { runId: run.id }, operator))).toEqual(['CONFLICT']);
    expect(codes(await gql(api.url, CANCEL, { runId: '11111111-1111-4111-8111-111111111111' }, operator))).toEqual(['NOT_FOUND']);
  });

  it('a BULK run cancelled mid-read ends CANCELLED; the next run finishes the sync with nothing lost or doubled', { timeout: 120_000 }, async () => {
    await faults({ latencyMs: LATENCY_MS });
    const run = runOf(await h.runs.trigger(hubspotId, 'BULK'));
    const draining = h.worker.drain();
    await waitFor(async () => (await sql<{ n: number }>(`SELECT records_read AS n FROM sync_runs WHERE id = $1`, [run.id]))[0]!.n, (n) => n >= 100, 30_000, 'a page applied');

    const following = await runLog(run.id);
    expect(following.status).toBe('RUNNING');
    expect(following.progress).toBeGreaterThanOrEqual(0);
    expect(following.log.some((e) => /^contacts: page of \d+ applied/.test(e.message))).toBe(true);

    const res = await gql<{ cancelSync: { id: string; status: string; finishedAt: string | null; recordsRead: number; recordsWritten: number } }>(api.url, CANCEL, { runId: run.id }, operator);
    expect(res.body.errors).toBeUndefined();
    const cancelled = res.body.data!.cancelSync;
    expect(cancelled).toMatchObject({ id: run.id, status: 'CANCELLED', finishedAt: expect.any(String) });
    expect(cancelled.recordsRead).toBeLessThan(sourceRecords);
    // Everything its pages committed stays, and it counted exactly that.
    expect(await linked()).toBe(cancelled.recordsRead);
    await draining;
    await faults({ latencyMs: 0 });

    const log = (await runLog(run.id)).log;
    expect(log.find((e) => e.level === 'WARN' && /an operator cancelled the run/.test(e.message))).toBeDefined();
    expect(log.at(-1)!.message).toMatch(/^run ended CANCELLED: \d+ read/);
    // Not a failure: nothing logged as an error, no retry queued, the connection not paused.
    expect(await sql(`SELECT code FROM sync_errors WHERE run_id = $1`, [run.id])).toEqual([]);
    expect(await count(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1 AND attempt > 1`, [hubspotId])).toBe(0);
    expect((await sql<{ status: string }>(`SELECT status FROM connections WHERE id = $1`, [hubspotId]))[0]!.status).not.toBe('PAUSED');

    // The next run goes on from the committed checkpoint: it reads only the rest.
    const next = await h.sync('HUBSPOT', 'BULK');
    expect(next.status).toBe('SUCCEEDED');
    expect(next.recordsRead).toBe(sourceRecords - cancelled.recordsRead);
    expect(await linked()).toBe(sourceRecords);

    // Everyone once in the store, and once in Salesforce (the worker delivered each run's changes).
    expect(await count(`SELECT count(*)::int AS n FROM contacts`)).toBe(PEOPLE);
    const people = [...(await emulatorRecords(h, 'SALESFORCE', 'Contact')), ...(await emulatorRecords(h, 'SALESFORCE', 'Lead'))];
    expect(people).toHaveLength(PEOPLE);
    expect(new Set(people.map((p) => p.Junction_Id__c)).size).toBe(PEOPLE);
    expect(await count(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`)).toBe(0);
  });

  it('follows a run by its records: the vendor total, progress and an ETA while it runs, and its log', { timeout: 60_000 }, async () => {
    // The first incremental read searches everything: HubSpot's search says how many records that is.
    await faults({ latencyMs: 400 });
    const run = runOf(await h.runs.trigger(hubspotId, 'INCREMENTAL'));
    const draining = h.worker.drain();
    const running = await waitFor(() => runLog(run.id), (r) => (r.status !== 'QUEUED' && r.status !== 'RUNNING') || (r.recordsTotal !== null && r.etaSeconds !== null), 30_000, 'a page with a total');
    await draining;
    await faults({ latencyMs: 0 });
    expect(running.status).toBe('RUNNING');
    expect(running.recordsTotal).toBeGreaterThan(0);
    expect(running.etaSeconds).toBeGreaterThanOrEqual(0);
    expect(running.progress).toBeGreaterThan(0);
    expect(running.progress).toBeLessThan(1);

    const done = await runLog(run.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 1, recordsTotal: sourceRecords, etaSeconds: null });
    const messages = done.log.map((e) => e.message);
    expect(messages[0]).toBe('INCREMENTAL run started');
    expect(messages.filter((m) => /^(contacts|companies): page of \d+ applied .* of \d+ read$/.test(m)).length).toBeGreaterThan(1);
    expect(messages.at(-1)).toMatch(/^run ended SUCCEEDED/);
    for (const e of done.log) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
  });

  it('a run whose worker died after the cancel was asked ends CANCELLED, not INTERRUPTED, and is not retried', async () => {
    const [stale] = await sql<{ id: string }>(
      `INSERT INTO sync_runs (connection_id, mode, status, started_at, heartbeat_at, cancel_requested_at)
       VALUES ($1, 'INCREMENTAL', 'RUNNING', now() - interval '1 minute', now() - interval '1 minute', now()) RETURNING id`,
      [hubspotId],
    );
    await h.worker.reapStale();
    expect((await h.runs.get(stale!.id))!.status).toBe('CANCELLED');
    expect(await count(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1 AND status IN ('QUEUED', 'RUNNING')`, [hubspotId])).toBe(0);
  });
});
