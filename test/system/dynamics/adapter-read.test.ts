/** listChanged over change tracking (paging, resume, deltas with deletions, malformed rows) and bulkExport. */
import { describe, expect, it } from 'vitest';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { ChangePage } from '../../../src/system/system-api';
import { admin, collect, stats, useCrmEmulator } from '../../support/emulators';
import { SANDBOX } from '../../support/crms/dynamics';

const crm = useCrmEmulator('DYNAMICS', SANDBOX);

const FIELDS = ['firstname', 'lastname', 'emailaddress1', '_parentcustomerid_value'];

describe('listChanged', () => {
  it('pages a first run oldest first with a resumable cursor per page, then delivers only later changes', async () => {
    crm.emu.seed(demoPeople(5));
    const pages = await collect(crm.adapter.listChanged('contacts', null, { fields: FIELDS, pageSize: 2 }));
    expect(pages.map((p) => p.records.length)).toEqual([2, 2, 1]);
    expect(pages[0]!.cursor).toMatch(/^dv1:next:/);
    expect(pages[2]!.cursor).toMatch(/^dv1:delta:\d+!/);
    const records = pages.flatMap((p) => p.records);
    expect(new Set(records.map((r) => r.remoteId)).size).toBe(5);
    const stamps = records.map((r) => r.modifiedAt);
    expect([...stamps].sort()).toEqual(stamps);
    for (const r of records) {
      expect(Object.keys(r.fields).sort()).toEqual(['_parentcustomerid_value', 'contactid', 'emailaddress1', 'firstname', 'junction_id', 'lastname', 'modifiedon']);
      expect(r.fields._parentcustomerid_value).toMatch(/^[0-9a-f-]{36}$/);
    }

    // A crash after page 1: resuming from its cursor delivers the rest of the same round.
    const resumed = (await collect(crm.adapter.listChanged('contacts', pages[0]!.cursor, { fields: FIELDS, pageSize: 2 }))).flatMap((p) => p.records);
    expect(resumed.map((r) => r.remoteId)).toEqual(records.slice(2).map((r) => r.remoteId));

    const quiet = await collect(crm.adapter.listChanged('contacts', pages[2]!.cursor, { fields: FIELDS }));
    expect(quiet).toHaveLength(1);
    expect(quiet[0]!.records).toEqual([]);
  });

  it('delivers an update and then a deletion as deleted:true with a synthetic stamp', async () => {
    crm.emu.seed(demoPeople(3));
    const first = await collect(crm.adapter.listChanged('contacts', null, { fields: FIELDS }));
    const [a, b] = first[0]!.records;
    const cursor = first.at(-1)!.cursor;
    const write = await crm.adapter.upsert('contacts', [{ remoteId: a!.remoteId, junctionId: 'j-a', fields: { firstname: 'Changed' } }]);
    expect(write[0]!.ok).toBe(true);
    const before = Date.now();
    expect((await crm.adapter.archive('contacts', [b!.remoteId]))[0]!.ok).toBe(true);
    const delta = (await collect(crm.adapter.listChanged('contacts', cursor, { fields: FIELDS }))).flatMap((p) => p.records);
    expect(delta.map((r) => [r.remoteId, r.deleted])).toEqual([
      [a!.remoteId, false],
      [b!.remoteId, true],
    ]);
    expect(delta[0]!.fields).toMatchObject({ firstname: 'Changed', junction_id: 'j-a' });
    expect(delta[1]!.fields.__stampSynthetic).toBe(true);
    expect(Date.parse(delta[1]!.modifiedAt)).toBeGreaterThanOrEqual(before - 5);
  });

  it('never skips a change made while a tracked round is being paged', async () => {
    crm.emu.seed(demoPeople(4));
    const it1 = crm.adapter.listChanged('contacts', null, { fields: FIELDS, pageSize: 2 })[Symbol.asyncIterator]();
    const page1 = (await it1.next()).value as ChangePage;
    const late = (await collect(crm.adapter.listChanged('contacts', null, { fields: FIELDS }))).flatMap((p) => p.records).at(-1)!;
    // Changed mid-round: it leaves this round and must show up in the next delta.
    await crm.adapter.upsert('contacts', [{ remoteId: late.remoteId, junctionId: 'late', fields: { jobtitle: 'Moved' } }]);
    const rest: ChangePage[] = [];
    for (let r = await it1.next(); !r.done; r = await it1.next()) rest.push(r.value);
    const seen = [page1, ...rest].flatMap((p) => p.records.map((x) => x.remoteId));
    const next = (await collect(crm.adapter.listChanged('contacts', rest.at(-1)!.cursor, { fields: FIELDS }))).flatMap((p) => p.records);
    expect(next.map((r) => r.remoteId)).toContain(late.remoteId);
    expect(new Set([...seen, ...next.map((r) => r.remoteId)]).size).toBe(4);
  });

  it('yields a malformed row flagged for quarantine instead of dropping it', async () => {
    crm.emu.seed(demoPeople(1));
    await admin(crm.emu, 'POST', 'records/contacts', { lastname: 'NoKey', modifiedon: 'yesterday' });
    const records = (await collect(crm.adapter.listChanged('contacts', null, { fields: FIELDS }))).flatMap((p) => p.records);
    expect(records).toHaveLength(2);
    const bad = records.find((r) => r.malformed);
    expect(bad?.remoteId).toBe('');
    expect(String(bad?.malformed)).toMatch(/no contactid.*unparseable modifiedon/);
  });

  it('rejects an unknown entity set as VALIDATION', async () => {
    expect(() => crm.adapter.listChanged('opportunities', null, { fields: [] })).toThrow(expect.objectContaining({ errorClass: 'VALIDATION', code: 'UNKNOWN_OBJECT' }));
  });
});

describe('bulkExport', () => {
  it('pages plain $select queries with maxpagesize and follows nextLink', async () => {
    crm.emu.seed(demoPeople(7));
    const before = (await stats(crm.emu)).requests;
    const batches = await collect(crm.adapter.bulkExport('contacts', { fields: ['emailaddress1'], pageSize: 3 }));
    expect(batches.map((b) => b.records.length)).toEqual([3, 3, 1]);
    expect((await stats(crm.emu)).requests - before).toBe(3);
    expect(new Set(batches.flatMap((b) => b.records).map((r) => r.fields.emailaddress1)).size).toBe(7);
    const accounts = (await collect(crm.adapter.bulkExport('accounts', { fields: ['name', 'websiteurl'] }))).flatMap((p) => p.records);
    expect(accounts.length).toBeGreaterThan(0);
    expect(accounts[0]!.fields).toHaveProperty('websiteurl');
  });

  it('resumes from a next link with exactly the records after that page', async () => {
    crm.emu.seed(demoPeople(7));
    const full = await collect(crm.adapter.bulkExport('contacts', { fields: ['emailaddress1'], pageSize: 3 }));
    expect(full.map((p) => p.resume === undefined)).toEqual([false, false, true]);
    const before = (await stats(crm.emu)).requests;
    const rest = await collect(crm.adapter.bulkExport('contacts', { fields: ['emailaddress1'], pageSize: 3, resumeFrom: full[0]!.resume }));
    expect((await stats(crm.emu)).requests - before).toBe(2);
    expect(rest.map((p) => p.records.length)).toEqual([3, 1]);
    expect(rest.flatMap((p) => p.records.map((r) => r.remoteId))).toEqual(full.slice(1).flatMap((p) => p.records.map((r) => r.remoteId)));
  });

  it('refuses a resume token that is not a next link of the same table', async () => {
    crm.emu.seed(demoPeople(4));
    const [first] = await collect(crm.adapter.bulkExport('accounts', { fields: ['name'], pageSize: 1 }));
    const err = await collect(crm.adapter.bulkExport('contacts', { fields: ['emailaddress1'], resumeFrom: first!.resume })).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_RESUME_TOKEN' });
  });
});
