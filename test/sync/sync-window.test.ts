/**
 * A connection's sync window (settings.schedule.window, in its own time zone) moves full runs
 * into it while change notifications still sync at once (issue 17 item 1). The run service's
 * and the worker's clock is the harness's: noon in New York, then the window's opening.
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken } from '../support/crms/dynamics';
import type { Harness } from '../support/harness';
import { waitFor } from '../support/junction-process';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { personLinkedToHubspot, serveWebhooks } from '../support/webhook-api';

const WINDOW = { start: '22:00', end: '06:00', timeZone: 'America/New_York' };
// 12:00 in New York (UTC−5 in December); the window opens at 22:00 there, 03:00Z the next day.
const NOON_NY = new Date('2026-12-07T17:00:00Z');
const OPENS = new Date('2026-12-08T03:00:00Z');

let h: SyncHarness;
let api: Harness;
let dynamicsId: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 6, crms: ['DYNAMICS', 'HUBSPOT'] });
  dynamicsId = h.connectionIds.get('DYNAMICS')!;
  api = await serveWebhooks(h, 'DYNAMICS');
  await h.connections.update(dynamicsId, { settings: { schedule: { window: WINDOW } } });
  h.clock.now = NOON_NY;
  // Both CRMs synced once, so the people are linked in both.
  for (const run of await h.syncAll()) expect(run.status).toBe('SUCCEEDED');
}, 120_000);

afterAll(async () => {
  await api?.close();
  await h?.close();
});

/** The jobtitle of one HubSpot record, by its id (the seed has people twice in a CRM: an email would find either). */
const hubspotTitleOf = async (hubspotId: string) => {
  const records = (await (await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{ id: string; properties: Record<string, string | null> }>;
  return records.find((r) => r.id === hubspotId)?.properties.jobtitle;
};

describe('a sync window in another time zone', () => {
  // It once failed rarely: an echo notification of Junction's own writes kept a run busy, and the change's
  // notification found that run past its read (test/records/notified-while-running.test.ts).
  it('holds a full run SCHEDULED until the window opens, while a change notification syncs at once, then runs it', { timeout: 120_000 }, async () => {
    const triggered = await h.runs.trigger(dynamicsId, 'BULK');
    expect(triggered.kind).toBe('SCHEDULED');
    const bulk = triggered.kind === 'SCHEDULED' ? triggered.run : undefined;
    expect(bulk).toMatchObject({ status: 'SCHEDULED', mode: 'BULK' });
    expect(bulk!.notBefore!.toISOString()).toBe(OPENS.toISOString());
    // Asking again finds the same waiting run.
    const again = await h.runs.trigger(dynamicsId, 'BULK');
    expect(again.kind === 'ACTIVE' && again.run.id).toBe(bulk!.id);

    // Out of the window the scheduler leaves it waiting.
    await h.worker.scheduleAll();
    await h.worker.drain();
    expect((await h.runs.get(bulk!.id))!.status).toBe('SCHEDULED');

    // A change in Dynamics arrives by webhook and reaches HubSpot now, not at 22:00.
    // One person linked in both CRMs: the Dataverse record changed, and the HubSpot record it must reach.
    const person = await personLinkedToHubspot(h, 'DYNAMICS');
    const emu = h.emulators.get('DYNAMICS')!;
    const dwa = new DynamicsWebApi({ serverUrl: emu.url, dataApi: { version: '9.2' }, onTokenRefresh: () => accessToken(emu) });
    await dwa.update({ collection: 'contacts', key: person.remote_id, data: { jobtitle: 'Night Shift Lead' } });
    const title = await waitFor(async () => (await h.worker.drain(), hubspotTitleOf(person.hubspot_id)), (t) => t === 'Night Shift Lead', 20_000, 'the title in HubSpot');
    expect(title).toBe('Night Shift Lead');
    expect((await h.runs.get(bulk!.id))!.status).toBe('SCHEDULED');

    // 22:00 in New York: the scheduler queues the full run, and it runs.
    h.clock.now = OPENS;
    await h.worker.scheduleAll();
    await h.worker.drain();
    const done = (await h.runs.get(bulk!.id))!;
    expect(done.status).toBe('SUCCEEDED');
    expect(done.recordsRead).toBeGreaterThan(0);
  });

  it('an operator may cancel a full run waiting for its window: CANCELLED at once, and the window opening queues nothing', async () => {
    h.clock.now = NOON_NY;
    const waiting = await h.runs.trigger(dynamicsId, 'BULK');
    expect(waiting.kind).toBe('SCHEDULED');
    const id = waiting.kind === 'SCHEDULED' ? waiting.run.id : '';
    const cancelled = await h.runs.cancel(id);
    expect(cancelled.kind === 'CANCELLED' && cancelled.run.status).toBe('CANCELLED');
    h.clock.now = OPENS;
    await h.worker.scheduleAll();
    await h.worker.drain();
    expect((await h.runs.get(id))!.status).toBe('CANCELLED');
  });

  it("keeps to a connection's own interval: no scheduled run before it has passed since the last one, one after", async () => {
    const hubspotId = h.connectionIds.get('HUBSPOT')!;
    await h.connections.update(dynamicsId, { settings: { schedule: { intervalSeconds: 3600, window: WINDOW } } });
    h.clock.now = new Date();
    await h.worker.drain();
    const queuedFor = async () => (await h.sql<{ connection_id: string }>(`SELECT connection_id FROM sync_runs WHERE status = 'QUEUED'`)).map((r) => r.connection_id);
    await h.worker.scheduleAll();
    // Dynamics ran minutes ago, under its hour; HubSpot keeps the instance's schedule.
    expect(await queuedFor()).toEqual([hubspotId]);
    await h.worker.drain();
    h.clock.now = new Date(Date.now() + 2 * 3_600_000);
    await h.worker.scheduleAll();
    expect((await queuedFor()).sort()).toEqual([dynamicsId, hubspotId].sort());
    await h.worker.drain();
  });

  it('lets a full run start at once inside the window, and a dry run at any time', async () => {
    h.clock.now = new Date('2026-12-08T04:00:00Z'); // 23:00 in New York
    const inside = await h.runs.trigger(dynamicsId, 'BULK');
    expect(inside.kind).toBe('QUEUED');
    await h.worker.drain();
    h.clock.now = NOON_NY;
    const dry = await h.runs.trigger(dynamicsId, 'BULK', true);
    expect(dry.kind).toBe('QUEUED');
    await h.worker.drain();
  });
});
