/**
 * A worker stopped during a BULK run (Junction shutting down) interrupts it between pages:
 * within a page's time, the run ends INTERRUPTED with exactly the pages its checkpoint covers,
 * nothing is logged as an error and the connection is not paused, and the next attempt, queued
 * at once, reads only the rest.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_EVENTS } from '../../src/process/events';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { waitFor } from '../support/junction-process';
import type { SyncHarness } from '../support/sync-harness';
import { seededHubspotSource } from './support';

const PEOPLE = 450;
/** Per vendor call: long enough to stop the read in the middle, short enough to show the stop waits for no more than a page. */
const LATENCY_MS = 150;

describe('a worker stopped during a BULK run', () => {
  let h: SyncHarness;
  let connectionId: string;
  let sourceRecords = 0;
  let source: Awaited<ReturnType<typeof seededHubspotSource>>;
  const sql = <T>(text: string, params: unknown[] = []) => source.sql<T>(text, params);
  const checkpoints = async () => sql<{ remote_type: string }>(`SELECT remote_type FROM sync_cursors WHERE connection_id = $1 AND remote_type LIKE 'bulk:%'`, [connectionId]);
  const newWorker = () =>
    new SyncWorker(h.db.dataSource, new SyncEngine({ db: h.db.dataSource, connections: h.connections, events: NO_EVENTS, workerId: randomUUID() }), h.runs, {
      workerId: randomUUID(),
      intervalMs: 60_000,
      runRetry: { baseDelayMs: 10 },
    });

  beforeAll(async () => {
    source = await seededHubspotSource(PEOPLE);
    ({ h, connectionId, sourceRecords } = source);
    // The test-batch gate passes first, so the BULK run below is export pages and nothing else.
    expect((await h.sync('HUBSPOT', 'TEST_BATCH')).status).toBe('SUCCEEDED');
  });
  afterAll(async () => h?.close());

  it('ends it INTERRUPTED at the next page, keeps its checkpoint, and the next attempt reads only the rest', { timeout: 60_000 }, async () => {
    await source.faults({ latencyMs: LATENCY_MS });
    const worker = newWorker();
    const run = runOf(await h.runs.trigger(connectionId, 'BULK'));
    const draining = worker.drain();
    await waitFor(async () => (await sql<{ n: number }>(`SELECT records_read AS n FROM sync_runs WHERE id = $1`, [run.id]))[0]!.n, (n) => n >= 100, 30_000, 'a page applied');
    const asked = performance.now();
    await worker.stop();
    const stopMs = performance.now() - asked;
    await draining;

    const stopped = (await h.runs.get(run.id))!;
    expect(stopped.status).toBe('INTERRUPTED');
    expect(stopped.error).toMatch(/Junction stopped during the run/);
    expect(stopped.recordsRead).toBeLessThan(sourceRecords);
    // What it counted is exactly what its checkpoint covers: the page in flight was applied whole or not at all.
    expect(await source.linked()).toBe(stopped.recordsRead);
    expect((await checkpoints()).length).toBeGreaterThan(0);
    // A page or so, not the rest of the export (about 5 more pages at this latency, and their writes).
    expect(stopMs).toBeLessThan(4 * LATENCY_MS + 1_000);
    // Stopping is not a failure: no error logged, the connection not paused.
    expect(await sql(`SELECT code FROM sync_errors WHERE run_id = $1`, [run.id])).toEqual([]);
    expect((await sql<{ status: string }>(`SELECT status FROM connections WHERE id = $1`, [connectionId]))[0]!.status).not.toBe('PAUSED');
    const [next] = await sql<{ id: string; mode: string; status: string; attempt: number }>(
      `SELECT id, mode, status, attempt FROM sync_runs WHERE connection_id = $1 AND id <> $2 AND created_at >= (SELECT created_at FROM sync_runs WHERE id = $2)`,
      [connectionId, run.id],
    );
    expect(next).toMatchObject({ mode: 'BULK', status: 'QUEUED', attempt: 2 });

    await source.faults({ latencyMs: 0 });
    const restarted = newWorker();
    const resumed = await waitFor(
      async () => (await restarted.drain(), (await h.runs.get(next!.id))!),
      (r) => r.status !== 'QUEUED' && r.status !== 'RUNNING',
      30_000,
      'the next attempt to finish',
    );
    await restarted.stop();
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.recordsRead).toBe(sourceRecords - stopped.recordsRead);
    expect(await source.linked()).toBe(sourceRecords);
    expect(await checkpoints()).toEqual([]);
  });
});
