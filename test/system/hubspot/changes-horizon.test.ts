/**
 * The horizon of a HubSpot read taken from the run's first search page: an incremental run
 * whose changes fit one page costs one search and one recycle-bin listing (no probe), and a
 * change made between that page and the listing is still delivered, never skipped by a
 * cursor that moved past it to a newer archive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { listChanges } from '../../../src/system/hubspot/changes';
import { HubspotClient } from '../../../src/system/hubspot/client';
import type { ChangePage } from '../../../src/system/system-api';
import { collect, rawClient, SANDBOX, startEmulator, stats } from './helpers';

let emu: RunningEmulator;
let afterFirstSearch: (() => Promise<void>) | undefined;

/** A client that runs `afterFirstSearch` once, right after a run's first search answers. */
class HookedClient extends HubspotClient {
  override async search(...args: Parameters<HubspotClient['search']>): ReturnType<HubspotClient['search']> {
    const page = await super.search(...args);
    const hook = afterFirstSearch;
    afterFirstSearch = undefined;
    await hook?.();
    return page;
  }
}

let client: HookedClient;

beforeEach(async () => {
  emu = await startEmulator();
  client = new HookedClient({ baseUrl: emu.url, credentials: SANDBOX, retry: { maxRetries: 0, baseDelayMs: 10, maxDelayMs: 10, jitter: 0 }, timeoutMs: 5_000 });
});

afterEach(async () => {
  await client.close();
  await emu.close();
});

const read = (cursor: string | null) => collect(listChanges(client, 'contacts', cursor, { fields: ['email', 'city'] }));
const lastCursor = (pages: ChangePage[]) => pages[pages.length - 1]!.cursor;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('HubSpot read horizon', () => {
  it('reads an incremental change that fits one page with one search and one recycle-bin listing', async () => {
    emu.seed(demoPeople(5));
    const initial = await read(null);
    const http = await rawClient(emu);
    const id = initial[0]!.records[2]!.remoteId;
    await http('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { city: 'Lisbon' } });

    const before = (await stats(emu)).requests;
    const changed = await read(lastCursor(initial));
    const calls = (await stats(emu)).requests - before;
    expect(changed.flatMap((p) => p.records.map((r) => [r.remoteId, r.fields.city]))).toEqual([[id, 'Lisbon']]);
    expect(calls).toBe(2);
    expect((await read(lastCursor(changed))).flatMap((p) => p.records)).toEqual([]);
  });

  it('delivers a change made between the first page and the listing when a newer archive is listed', async () => {
    emu.seed(demoPeople(6));
    const initial = await read(null);
    const [a, b, c] = initial[0]!.records;
    const http = await rawClient(emu);
    await http('PATCH', `/crm/v3/objects/contacts/${a!.remoteId}`, { properties: { city: 'Oslo' } });
    await tick();

    afterFirstSearch = async () => {
      // After the run's first (complete) page, before its listing: a live change, then a newer archive.
      await tick();
      await http('PATCH', `/crm/v3/objects/contacts/${b!.remoteId}`, { properties: { city: 'Rome' } });
      await tick();
      await http('DELETE', `/crm/v3/objects/contacts/${c!.remoteId}`);
    };
    const run = await read(lastCursor(initial));
    const records = run.flatMap((p) => p.records);
    expect(records.map((r) => [r.remoteId, r.deleted, r.fields.city ?? null])).toEqual([
      [a!.remoteId, false, 'Oslo'],
      [b!.remoteId, false, 'Rome'],
      [c!.remoteId, true, expect.anything()],
    ]);
    // Nothing was skipped, so the next run has nothing left to deliver.
    expect((await read(lastCursor(run))).flatMap((p) => p.records)).toEqual([]);
  });
});
