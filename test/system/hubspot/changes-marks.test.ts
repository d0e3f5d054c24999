/**
 * HubSpot reads with separate live and archive marks: a run costs its search pages and one
 * recycle-bin listing (no probe for a horizon), and a change or an archive made while a run
 * reads is delivered by the next run, never skipped by a cursor that moved past it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { listChanges } from '../../../src/system/hubspot/changes';
import { HubspotClient } from '../../../src/system/hubspot/client';
import type { ChangePage } from '../../../src/system/system-api';
import { collect, stats } from '../../support/emulators';
import { SANDBOX, rawClient, startEmulator } from '../../support/crms/hubspot';

let emu: RunningEmulator;
let afterFirstSearch: (() => Promise<void>) | undefined;

/** A client that records search bodies and runs `afterFirstSearch` once, right after a search answers. */
class HookedClient extends HubspotClient {
  searches: Array<Parameters<HubspotClient['search']>[1]> = [];
  override async search(...args: Parameters<HubspotClient['search']>): ReturnType<HubspotClient['search']> {
    this.searches.push(args[1]);
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

describe('HubSpot read marks', () => {
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

  it('reads many pages with no probe: ascending searches and one recycle-bin listing', async () => {
    emu.seed(demoPeople(25));
    const before = (await stats(emu)).requests;
    const pages = await collect(listChanges(client, 'contacts', null, { fields: ['email'], pageSize: 10 }));
    const calls = (await stats(emu)).requests - before;
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.remoteId))).size).toBe(25);
    expect(client.searches.every((b) => b.sorts.every((s) => s.direction === 'ASCENDING'))).toBe(true);
    expect(calls).toBe(client.searches.length + 1);
  });

  it('delivers a change and an archive made while a run reads in the next run, and skips neither', async () => {
    emu.seed(demoPeople(6));
    const initial = await read(null);
    const [a, b, c] = initial[0]!.records;
    const http = await rawClient(emu);
    await http('PATCH', `/crm/v3/objects/contacts/${a!.remoteId}`, { properties: { city: 'Oslo' } });
    await tick();

    afterFirstSearch = async () => {
      // After the run listed the bin and read its (only) page: a live change, then an archive.
      await tick();
      await http('PATCH', `/crm/v3/objects/contacts/${b!.remoteId}`, { properties: { city: 'Rome' } });
      await tick();
      await http('DELETE', `/crm/v3/objects/contacts/${c!.remoteId}`);
    };
    const during = await read(lastCursor(initial));
    expect(during.flatMap((p) => p.records.map((r) => [r.remoteId, r.deleted, r.fields.city ?? null]))).toEqual([[a!.remoteId, false, 'Oslo']]);
    const next = await read(lastCursor(during));
    expect(next.flatMap((p) => p.records.map((r) => [r.remoteId, r.deleted]))).toEqual([
      [b!.remoteId, false],
      [c!.remoteId, true],
    ]);
    expect(next.flatMap((p) => p.records).find((r) => r.remoteId === b!.remoteId)!.fields.city).toBe('Rome');
    expect((await read(lastCursor(next))).flatMap((p) => p.records)).toEqual([]);
  });

  it('reads a cursor from before the marks were split as both marks at that point', async () => {
    emu.seed(demoPeople(4));
    const initial = await read(null);
    const [a, b] = initial[0]!.records;
    const old = `hs1:${Date.parse(b!.modifiedAt)}:${b!.remoteId}`;
    const http = await rawClient(emu);
    await tick();
    await http('DELETE', `/crm/v3/objects/contacts/${a!.remoteId}`);
    const records = (await read(old)).flatMap((p) => p.records);
    expect(records.filter((r) => r.deleted).map((r) => r.remoteId)).toEqual([a!.remoteId]);
  });
});
