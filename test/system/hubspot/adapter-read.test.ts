/** listChanged and bulkExport against the emulator: paging, resume, deletions, malformed data. */
import { describe, expect, it } from 'vitest';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { ChangePage } from '../../../src/system/system-api';
import { admin, collect, stats, useCrmEmulator } from '../../support/emulators';
import { SANDBOX, rawClient } from '../../support/crms/hubspot';

const crm = useCrmEmulator('HUBSPOT', SANDBOX);

const ids = (pages: ChangePage[]) => pages.flatMap((p) => p.records.map((r) => r.remoteId));
const lastCursor = (pages: ChangePage[]) => pages[pages.length - 1]!.cursor;

describe('listChanged', () => {
  it('pages oldest first, asks only for mapped fields, and resumes from a cursor without skipping or repeating', async () => {
    crm.emu.seed(demoPeople(25));
    const pages = await collect(crm.adapter.listChanged('contacts', null, { fields: ['email', 'firstname'], pageSize: 10 }));
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 5]);
    const first = pages.flatMap((p) => p.records);
    expect(new Set(first.map((r) => r.remoteId)).size).toBe(25);
    const stamps = first.map((r) => Date.parse(r.modifiedAt));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(first[0]!.modifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(first[0]!.fields).toHaveProperty('email');
    expect(first[0]!.fields).toHaveProperty('junction_id');
    expect(first[0]!.fields).not.toHaveProperty('phone');
    expect(first[0]!.deleted).toBe(false);

    // Nothing changed: the resume delivers nothing (not even the boundary record) and keeps the cursor.
    const idle = await collect(crm.adapter.listChanged('contacts', lastCursor(pages), { fields: ['email'] }));
    expect(ids(idle)).toEqual([]);
    expect(lastCursor(idle)).toBe(lastCursor(pages));

    // Resuming from the middle re-reads exactly what came after that page.
    const fromMiddle = await collect(crm.adapter.listChanged('contacts', pages[0]!.cursor, { fields: ['email'] }));
    expect(ids(fromMiddle)).toEqual(ids(pages.slice(1)));

    const http = await rawClient(crm.emu);
    const touched = [first[3]!.remoteId, first[17]!.remoteId];
    for (const id of touched) await http('PATCH', `/crm/v3/objects/contacts/${id}`, { properties: { jobtitle: 'Changed' } });
    const changed = await collect(crm.adapter.listChanged('contacts', lastCursor(pages), { fields: ['jobtitle'] }));
    expect(ids(changed)).toEqual(touched);
    expect(changed.flatMap((p) => p.records).map((r) => r.fields.jobtitle)).toEqual(['Changed', 'Changed']);
  });

  it('delivers archived records as deleted, in stamp order with live changes', async () => {
    crm.emu.seed(demoPeople(6));
    const initial = await collect(crm.adapter.listChanged('contacts', null, { fields: ['email'] }));
    const [a, b, c] = initial[0]!.records;
    const http = await rawClient(crm.emu);
    await http('PATCH', `/crm/v3/objects/contacts/${a!.remoteId}`, { properties: { city: 'Oslo' } });
    await crm.adapter.archive('contacts', [b!.remoteId]);
    await http('PATCH', `/crm/v3/objects/contacts/${c!.remoteId}`, { properties: { city: 'Rome' } });

    const pages = await collect(crm.adapter.listChanged('contacts', lastCursor(initial), { fields: ['email', 'city'] }));
    const records = pages.flatMap((p) => p.records);
    expect(records.map((r) => [r.remoteId, r.deleted])).toEqual([
      [a!.remoteId, false],
      [b!.remoteId, true],
      [c!.remoteId, false],
    ]);
    expect(records[1]!.fields.email).toBe(b!.fields.email);

    const again = await collect(crm.adapter.listChanged('contacts', lastCursor(pages), { fields: ['email'] }));
    expect(ids(again)).toEqual([]);
  });

  it('skips nothing when records change while a run is paging', async () => {
    crm.emu.seed(demoPeople(25));
    const http = await rawClient(crm.emu);
    const delivered: string[] = [];
    let archivedId = '';
    let page = 0;
    let finalCursor = '';
    for await (const p of crm.adapter.listChanged('contacts', null, { fields: ['email'], pageSize: 10 })) {
      delivered.push(...p.records.map((r) => r.remoteId));
      finalCursor = p.cursor;
      if (page++ === 0) {
        // Offset paging would now skip a record: the first one moves to the end of the order.
        await http('PATCH', `/crm/v3/objects/contacts/${p.records[0]!.remoteId}`, { properties: { city: 'Moved' } });
        // An archive this run has not listed, then a newer change that the run does deliver.
        archivedId = p.records[1]!.remoteId;
        await http('DELETE', `/crm/v3/objects/contacts/${archivedId}`);
        await http('PATCH', `/crm/v3/objects/contacts/${p.records[2]!.remoteId}`, { properties: { city: 'Later' } });
      }
    }
    const all = (await admin<Array<{ id: string }>>(crm.emu, 'GET', 'records/contacts')).map((c) => c.id);
    expect(new Set(delivered)).toEqual(new Set(all));
    // The cursor handed out must not pass the archive the run never saw.
    const next = (await collect(crm.adapter.listChanged('contacts', finalCursor, { fields: ['email'] }))).flatMap((p) => p.records);
    expect(next.filter((r) => r.deleted).map((r) => r.remoteId)).toEqual([archivedId]);
  });

  it('yields malformed records flagged for quarantine instead of dropping them or failing the page', async () => {
    crm.emu.seed(demoPeople(3));
    await admin(crm.emu, 'POST', 'records/contacts', { id: '9001', properties: { email: 'odd@example.com', lastmodifieddate: 'last tuesday' }, archived: false });
    await admin(crm.emu, 'POST', 'records/contacts', { properties: { email: 'noid@example.com', lastmodifieddate: '2024-05-01T10:00:00.000Z' }, archived: false });
    const pages = await collect(crm.adapter.listChanged('contacts', null, { fields: ['email'] }));
    const records = pages.flatMap((p) => p.records);
    expect(records).toHaveLength(5);
    const odd = records.find((r) => r.remoteId === '9001')!;
    expect(odd.malformed).toMatch(/unparseable lastmodifieddate/);
    const noId = records.find((r) => r.fields.email === 'noid@example.com')!;
    expect(noId.remoteId).toBe('');
    expect(noId.malformed).toMatch(/no id/);
    expect(records.filter((r) => r.malformed === undefined)).toHaveLength(3);
  });

  it('reads past the 10,000-result search cap without a single 400', { timeout: 30_000 }, async () => {
    crm.emu.seed(demoPeople(10_050));
    let count = 0;
    const seen = new Set<string>();
    let previous = 0;
    for await (const page of crm.adapter.listChanged('contacts', null, { fields: ['email'] })) {
      for (const r of page.records) {
        seen.add(r.remoteId);
        const t = Date.parse(r.modifiedAt);
        expect(t).toBeGreaterThanOrEqual(previous);
        previous = t;
        count++;
      }
    }
    expect(count).toBe(10_050);
    expect(seen.size).toBe(10_050);
    const s = await stats(crm.emu);
    expect(s.byStatus['400']).toBeUndefined();
  });

  it('lists companies by hs_lastmodifieddate', async () => {
    crm.emu.seed(demoPeople(30));
    const pages = await collect(crm.adapter.listChanged('companies', null, { fields: ['name', 'domain'] }));
    const records = pages.flatMap((p) => p.records);
    const companies = (await admin<unknown[]>(crm.emu, 'GET', 'records/companies')).length;
    expect(records).toHaveLength(companies);
    expect(records[0]!.fields).toHaveProperty('hs_lastmodifieddate');
    expect(records[0]!.modifiedAt).toBe(records[0]!.fields.hs_lastmodifieddate);
  });
});

describe('bulkExport', () => {
  it('follows getPage paging 100 at a time with only the requested properties', async () => {
    crm.emu.seed(demoPeople(250));
    const before = (await stats(crm.emu)).requests;
    const pages = await collect(crm.adapter.bulkExport('contacts', { fields: ['email', 'lastname'] }));
    expect(pages.map((p) => p.records.length)).toEqual([100, 100, 50]);
    expect((await stats(crm.emu)).requests - before).toBe(3);
    const all = pages.flatMap((p) => p.records);
    expect(new Set(all.map((r) => r.remoteId)).size).toBe(250);
    expect(Object.keys(all[0]!.fields).sort()).toEqual(['createdate', 'email', 'hs_object_id', 'junction_id', 'lastmodifieddate', 'lastname']);
    expect(crm.adapter.stats.apiCalls).toBe(3);
  });

  it('resumes from a page token with exactly the records after that page', async () => {
    crm.emu.seed(demoPeople(250));
    const full = await collect(crm.adapter.bulkExport('contacts', { fields: ['email'] }));
    expect(full.map((p) => p.resume === undefined)).toEqual([false, false, true]);
    const before = (await stats(crm.emu)).requests;
    const rest = await collect(crm.adapter.bulkExport('contacts', { fields: ['email'], resumeFrom: full[0]!.resume }));
    expect((await stats(crm.emu)).requests - before).toBe(2);
    expect(rest.flatMap((p) => p.records.map((r) => r.remoteId))).toEqual(full.slice(1).flatMap((p) => p.records.map((r) => r.remoteId)));
    expect(rest.at(-1)!.resume).toBeUndefined();
  });

  it('refuses a malformed resume token with a typed error', async () => {
    const err = await collect(crm.adapter.bulkExport('contacts', { fields: ['email'], resumeFrom: 'not a token' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_RESUME_TOKEN' });
  });
});
