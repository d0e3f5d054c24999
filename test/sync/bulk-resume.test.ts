/**
 * A BULK read stopped part-way (the vendor's quota runs out mid-export, as a killed worker
 * stops one) leaves a checkpoint per object; the next BULK run reads only what is left and
 * the store ends exact. A BULK run after a completed one starts fresh, and dry runs neither
 * use nor leave checkpoints.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_EVENTS } from '../../src/process/events';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import type { RunningEmulator } from '../../src/system';
import type { SyncHarness } from '../support/sync-harness';
import { seededHubspotSource } from './support';

const PEOPLE = 450;

describe('BULK runs resume from their checkpoint', () => {
  let h: SyncHarness;
  let emu: RunningEmulator;
  let worker: SyncWorker;
  let connectionId: string;
  let sourceRecords = 0;
  let source: Awaited<ReturnType<typeof seededHubspotSource>>;
  const sql = <T>(text: string, params: unknown[] = []) => source.sql<T>(text, params);
  const faults = (body: Record<string, unknown>) => source.faults(body);
  const checkpoints = async () =>
    (
      await sql<{ remote_type: string; cursor: string }>(
        `SELECT remote_type, cursor FROM sync_cursors WHERE connection_id = $1 AND remote_type LIKE 'bulk:%' ORDER BY 1`,
        [connectionId],
      )
    ).map((r) => `${r.remote_type}=${r.cursor}`);
  /** A run as a person (or the retry of a stopped attempt) triggers it; run retries are off so the test says what runs next. */
  const bulk = async (dryRun = false) => {
    const run = runOf(await h.runs.trigger(connectionId, 'BULK', dryRun));
    await worker.drain();
    return (await h.runs.get(run.id))!;
  };
  /** A handful of calls, then the daily quota is spent: the read stops after a few pages (HubSpot lists 100 a page). */
  const stoppedMidExport = async () => {
    await faults({ quotaRemaining: 3 });
    const stopped = await bulk();
    expect(stopped.status).toBe('PARTIAL');
    return stopped;
  };
  /** The vendor's day rolls over (emulator clock) and the quota pause is lifted. */
  const nextVendorDay = async () => {
    await faults({ quotaRemaining: null });
    await fetch(`${emu.url}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 25 * 3600_000 }),
    });
    await sql(`UPDATE connections SET status = 'HEALTHY', status_reason = NULL, paused_until = NULL WHERE id = $1`, [connectionId]);
  };
  const linked = () => source.linked();

  beforeAll(async () => {
    source = await seededHubspotSource(PEOPLE);
    ({ h, emu, connectionId, sourceRecords } = source);
    const engine = new SyncEngine({ db: h.db.dataSource, connections: h.connections, events: NO_EVENTS, workerId: randomUUID() });
    worker = new SyncWorker(h.db.dataSource, engine, h.runs, { workerId: randomUUID(), intervalMs: 60_000, runRetry: { maxAttempts: 1 } });
    // The test batch gate's first pass happens here, so the BULK runs below are pages and nothing else.
    const probe = runOf(await h.runs.trigger(connectionId, 'TEST_BATCH', false));
    await worker.drain();
    expect((await h.runs.get(probe.id))!.status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  it('a dry BULK run leaves no checkpoint', async () => {
    const dry = await bulk(true);
    expect(dry.status).toBe('SUCCEEDED');
    expect(dry.recordsRead).toBe(sourceRecords);
    expect(await checkpoints()).toEqual([]);
  });

  it('a BULK run stopped mid-export is continued by the next: it reads only the rest, and the store ends exact', async () => {
    const stopped = await stoppedMidExport();
    expect(stopped.error).toMatch(/^RATE_LIMIT/);
    expect(stopped.recordsRead).toBeGreaterThan(0);
    expect(stopped.recordsRead).toBeLessThan(sourceRecords);
    const left = await checkpoints();
    expect(left.length).toBeGreaterThan(0);
    // What the stopped run counted is exactly what its checkpoints cover (they commit together).
    expect(await linked()).toBe(stopped.recordsRead);

    // A dry run meanwhile reads everything and leaves the checkpoint as it was.
    await nextVendorDay();
    const dry = await bulk(true);
    expect(dry.recordsRead).toBe(sourceRecords);
    expect(await checkpoints()).toEqual(left);

    const listedBefore = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { requests: number };
    const resumed = await bulk();
    expect(resumed.status).toBe('SUCCEEDED');
    expect(resumed.recordsRead).toBe(sourceRecords - stopped.recordsRead);
    const listedAfter = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { requests: number };
    // Fewer list pages than a full read (which is at least one per 100 records).
    expect(listedAfter.requests - listedBefore.requests).toBeLessThan(Math.ceil(sourceRecords / 100));
    expect(await checkpoints()).toEqual([]);
    // Every source record once: linked once each, one contact per person.
    expect(await linked()).toBe(sourceRecords);
    expect((await sql<{ n: number }>(`SELECT count(*)::int AS n FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL`))[0]!.n).toBe(PEOPLE);
  });

  it('a BULK run after a completed one starts fresh', async () => {
    const again = await bulk();
    expect(again.status).toBe('SUCCEEDED');
    expect(again.recordsRead).toBe(sourceRecords);
    expect(await checkpoints()).toEqual([]);
  });

  it('a checkpoint older than a day is not resumed: the next BULK run reads everything', async () => {
    await stoppedMidExport();
    expect((await checkpoints()).length).toBeGreaterThan(0);
    await nextVendorDay();
    await sql(`UPDATE sync_cursors SET updated_at = now() - interval '25 hours' WHERE connection_id = $1 AND remote_type LIKE 'bulk:%'`, [connectionId]);
    const fresh = await bulk();
    expect(fresh.status).toBe('SUCCEEDED');
    expect(fresh.recordsRead).toBe(sourceRecords);
    expect(await checkpoints()).toEqual([]);
  });
});
