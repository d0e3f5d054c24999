/** The Salesforce SystemAdapter against its emulator, over real HTTP. */
import { describe, expect, it } from 'vitest';
import { SystemError } from '../../../src/system/errors';
import type { OutboundRecord } from '../../../src/system/system-api';
import { admin, collect, resetEmulator, stored, useCrmEmulator } from '../../support/emulators';
import { SANDBOX } from '../../support/crms/salesforce';

const crm = useCrmEmulator('SALESFORCE', SANDBOX, 1200);

const FIELDS = ['FirstName', 'LastName', 'Email', 'MailingCountry'];

describe('listChanged', () => {
  it('yields pages oldest first with only the requested fields', async () => {
    const total = (await stored(crm.emu.url, 'Contact')).length;
    const pages = await collect(crm.adapter.listChanged('Contact', null, { fields: FIELDS, pageSize: 200 }));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const records = pages.flatMap((p) => p.records);
    expect(records).toHaveLength(total);
    const stamps = records.map((r) => r.modifiedAt);
    expect(stamps).toEqual([...stamps].sort());
    expect(stamps[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(records[0]!.fields).sort()).toEqual(['Email', 'FirstName', 'Id', 'IsDeleted', 'Junction_Id__c', 'LastName', 'MailingCountry', 'SystemModstamp'].sort());
    expect(records[0]).toMatchObject({ remoteType: 'Contact', deleted: false });
  });

  it('resumes from a page cursor without skipping later changes', async () => {
    const pages = await collect(crm.adapter.listChanged('Contact', null, { fields: FIELDS, pageSize: 200 }));
    const firstPageIds = pages[0]!.records.map((r) => r.remoteId);
    const laterIds = pages.slice(1).flatMap((p) => p.records.map((r) => r.remoteId));
    // A record from the first page changes after the cursor was saved, and a new one arrives.
    await crm.adapter.upsert('Contact', [{ remoteId: firstPageIds[3]!, junctionId: 'j-resume', fields: { Title: 'Changed' } }]);
    const [created] = await crm.adapter.upsert('Contact', [{ junctionId: 'j-new', fields: { LastName: 'Newcomer' } }]);
    const resumed = (await collect(crm.adapter.listChanged('Contact', pages[0]!.cursor, { fields: FIELDS, pageSize: 200 }))).flatMap((p) => p.records.map((r) => r.remoteId));
    expect(resumed).toEqual([...laterIds, firstPageIds[3], created!.remoteId]);
    const last = await collect(crm.adapter.listChanged('Contact', pages.at(-1)!.cursor, { fields: FIELDS }));
    expect(last.flatMap((p) => p.records.map((r) => r.remoteId))).toEqual([firstPageIds[3], created!.remoteId]);
  });

  it('is tie-safe: records sharing a SystemModstamp are not skipped on resume', async () => {
    await resetEmulator(crm.emu.url);
    const stamp = '2030-01-01T00:00:00.000+0000';
    for (const id of ['00Q5g00000000AAAAA', '00Q5g00000000BAAAA', '00Q5g00000000CAAAA'])
      await admin(crm.emu.url, 'POST', 'records/Lead', { Id: id, LastName: id, Company: 'Tie', SystemModstamp: stamp });
    const all = (await collect(crm.adapter.listChanged('Lead', null, { fields: ['LastName'] }))).flatMap((p) => p.records);
    expect(all.map((r) => r.modifiedAt)).toEqual(Array(3).fill('2030-01-01T00:00:00.000Z'));
    // A cursor persisted after the first of the three resumes with the other two.
    const cursor = `2030-01-01T00:00:00.000Z|00Q5g00000000AAAAA`;
    const rest = (await collect(crm.adapter.listChanged('Lead', cursor, { fields: ['LastName'] }))).flatMap((p) => p.records.map((r) => r.remoteId));
    expect(rest).toEqual(['00Q5g00000000BAAAA', '00Q5g00000000CAAAA']);
  });

  it('yields malformed rows flagged for quarantine instead of crashing or dropping them', async () => {
    await resetEmulator(crm.emu.url);
    await admin(crm.emu.url, 'POST', 'records/Lead', { LastName: 'NoId', Company: 'X' });
    await admin(crm.emu.url, 'POST', 'records/Lead', { Id: '00Q5g00000000ZZAAA', LastName: 'BadStamp', Company: 'X', SystemModstamp: 'yesterday-ish' });
    const good = await crm.adapter.upsert('Lead', [{ junctionId: 'j-good', fields: { LastName: 'Good', Company: 'X' } }]);
    const pages = await collect(crm.adapter.listChanged('Lead', null, { fields: ['LastName'] }));
    const records = pages.flatMap((p) => p.records);
    expect(records).toHaveLength(3);
    const byName = Object.fromEntries(records.map((r) => [String(r.fields.LastName), r]));
    expect(byName.NoId!.remoteId).toBe('');
    expect(byName.NoId!.malformed).toMatch(/no Id/);
    expect(byName.BadStamp!.malformed).toMatch(/SystemModstamp/);
    expect(byName.Good!.malformed).toBeUndefined();
    // The cursor only ever points at a well-formed record.
    expect(pages.at(-1)!.cursor).toContain(good[0]!.remoteId!);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(collect(crm.adapter.listChanged('Lead', 'not-a-cursor', { fields: [] }))).rejects.toMatchObject({ errorClass: 'VALIDATION', code: 'BAD_CURSOR' });
  });

  it('surfaces unknown fields as a VALIDATION error', async () => {
    await expect(collect(crm.adapter.listChanged('Lead', null, { fields: ['NoSuchField'] }))).rejects.toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_FIELD' });
  });
});

describe('bulkExport', () => {
  it('pages Bulk API 2.0 results and types CSV values back', async () => {
    const total = (await stored(crm.emu.url, 'Lead')).length;
    const before = crm.adapter.stats.apiCalls;
    const batches = await collect(crm.adapter.bulkExport('Lead', { fields: ['LastName', 'Company', 'NumberOfEmployees', 'Street'], pageSize: 150 }));
    expect(batches.length).toBe(Math.ceil(total / 150));
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(total);
    expect(new Set(records.map((r) => r.remoteId)).size).toBe(total);
    expect(records[0]!.fields.IsDeleted).toBe(false);
    expect(records[0]!.deleted).toBe(false);
    expect(records[0]!.fields.Street).toBeNull();
    expect(records[0]!.modifiedAt).toMatch(/Z$/);
    // describe + create + poll + one results call per page + delete.
    expect(crm.adapter.stats.apiCalls - before).toBe(3 + batches.length + 1);
    const [planted] = await crm.adapter.upsert('Lead', [{ junctionId: 'j-num', fields: { LastName: 'Num', Company: 'C', NumberOfEmployees: 42 } }]);
    const again = (await collect(crm.adapter.bulkExport('Lead', { fields: ['NumberOfEmployees'] }))).flatMap((p) => p.records);
    expect(again.find((r) => r.remoteId === planted!.remoteId)?.fields.NumberOfEmployees).toBe(42);
  });

  it('resumes from a page token on the same query job, and starts a new job once that job is gone', async () => {
    const fields = ['LastName', 'Company'];
    const ids = (pages: Array<{ records: Array<{ remoteId: string }> }>) => pages.flatMap((p) => p.records.map((r) => r.remoteId));
    // A reader that stops after its first page (as a killed run does) leaves the job for a resume.
    let first: { records: Array<{ remoteId: string }>; resume?: string } | undefined;
    for await (const page of crm.adapter.bulkExport('Lead', { fields, pageSize: 150 })) {
      first = page;
      break;
    }
    expect(first!.resume).toBeDefined();
    const callsBefore = crm.adapter.stats.apiCalls;
    const rest = await collect(crm.adapter.bulkExport('Lead', { fields, pageSize: 150, resumeFrom: first!.resume }));
    // describe + poll (the job is complete) + one results call per page + delete: no new job.
    expect(crm.adapter.stats.apiCalls - callsBefore).toBe(2 + rest.length + 1);
    const total = (await stored(crm.emu.url, 'Lead')).length;
    expect(new Set([...ids([first!]), ...ids(rest)]).size).toBe(total);
    expect(ids([first!]).length + ids(rest).length).toBe(total);
    // The completed export deleted the job: the same token now starts over with a new job and reads everything.
    const againBefore = crm.adapter.stats.apiCalls;
    const again = await collect(crm.adapter.bulkExport('Lead', { fields, pageSize: 150, resumeFrom: first!.resume }));
    expect(ids(again)).toHaveLength(total);
    // describe + poll (404) + create + poll + one results call per page + delete.
    expect(crm.adapter.stats.apiCalls - againBefore).toBe(4 + again.length + 1);
  });

  it('refuses a malformed resume token with a typed error', async () => {
    const err = await collect(crm.adapter.bulkExport('Lead', { fields: ['LastName'], resumeFrom: '{"job":"../x"}' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect(err).toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_RESUME_TOKEN' });
  });
});

describe('upsert', () => {
  const people = (n: number, prefix = 'j'): OutboundRecord[] =>
    Array.from({ length: n }, (_, i) => ({ junctionId: `${prefix}-${i}`, fields: { LastName: `Person ${i}`, Email: `p${i}@example.com` } }));

  it('creates unlinked records, updates linked ones and is idempotent on replay', async () => {
    const before = (await stored(crm.emu.url, 'Contact')).length;
    const first = await crm.adapter.upsert('Contact', people(3));
    expect(first.every((r) => r.ok && r.created === true)).toBe(true);
    const replay = await crm.adapter.upsert('Contact', people(3));
    expect(replay.map((r) => r.created)).toEqual([false, false, false]);
    expect(replay.map((r) => r.remoteId)).toEqual(first.map((r) => r.remoteId));
    expect((await stored(crm.emu.url, 'Contact')).length).toBe(before + 3);
    const [updated] = await crm.adapter.upsert('Contact', [{ remoteId: first[1]!.remoteId, junctionId: 'j-1', fields: { Title: 'CTO' } }]);
    expect(updated).toMatchObject({ ok: true, created: false, remoteId: first[1]!.remoteId });
    const row = (await stored(crm.emu.url, 'Contact')).find((r) => r.Id === first[1]!.remoteId)!;
    expect(row).toMatchObject({ Title: 'CTO', Junction_Id__c: 'j-1', LastName: 'Person 1' });
  });

  it('stamps the junction id on a linked record that had none', async () => {
    const existing = (await stored(crm.emu.url, 'Contact'))[0]!;
    await crm.adapter.upsert('Contact', [{ remoteId: String(existing.Id), junctionId: 'j-linked', fields: {} }]);
    expect((await stored(crm.emu.url, 'Contact')).find((r) => r.Id === existing.Id)?.Junction_Id__c).toBe('j-linked');
  });

  it('classifies per-record failures without throwing, in input order', async () => {
    const [taken] = await crm.adapter.upsert('Contact', [{ junctionId: 'j-taken', fields: { LastName: 'Holder' } }]);
    const [doomed] = await crm.adapter.upsert('Contact', [{ junctionId: 'j-doomed', fields: { LastName: 'Doomed' } }]);
    await crm.adapter.archive('Contact', [doomed!.remoteId!]);
    const other = (await stored(crm.emu.url, 'Contact')).find((r) => r.IsDeleted === false && r.Junction_Id__c === null)!;
    const results = await crm.adapter.upsert('Contact', [
      { junctionId: 'j-ok', fields: { LastName: 'Fine' } },
      { junctionId: 'j-nolast', fields: { FirstName: 'Only' } },
      { junctionId: 'j-bademail', fields: { LastName: 'Bad', Email: 'not-an-email' } },
      { remoteId: String(other.Id), junctionId: 'j-taken', fields: {} },
      { remoteId: doomed!.remoteId, junctionId: 'j-doomed', fields: { Title: 'x' } },
    ]);
    expect(results.map((r) => r.junctionId)).toEqual(['j-ok', 'j-nolast', 'j-bademail', 'j-taken', 'j-doomed']);
    expect(results[0]).toMatchObject({ ok: true, created: true });
    expect(results[1]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION', code: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] } });
    expect(results[2]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION', code: 'INVALID_EMAIL_ADDRESS' } });
    expect(results[3]).toMatchObject({ ok: false, remoteId: String(other.Id), error: { errorClass: 'CONFLICT', code: 'DUPLICATE_VALUE' } });
    expect(results[3]!.error!.message).toContain(taken!.remoteId!);
    expect(results[4]).toMatchObject({ ok: false, error: { errorClass: 'NOT_FOUND', code: 'ENTITY_IS_DELETED' } });
  });

  it('chunks to 200 records per call and keeps results in order', async () => {
    const before = crm.adapter.stats.apiCalls;
    const input = people(450, 'bulk');
    const results = await crm.adapter.upsert('Contact', input);
    expect(crm.adapter.stats.apiCalls - before).toBe(3);
    expect(results.map((r) => r.junctionId)).toEqual(input.map((r) => r.junctionId));
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

describe('archive', () => {
  it('soft-deletes, is idempotent, and the deletion shows in listChanged', async () => {
    const created = await crm.adapter.upsert('Account', [
      { junctionId: 'a-1', fields: { Name: 'Gone Inc' } },
      { junctionId: 'a-2', fields: { Name: 'Also Gone Inc' } },
    ]);
    const ids = created.map((r) => r.remoteId!);
    const first = await crm.adapter.archive('Account', [...ids, 'not an id']);
    expect(first.slice(0, 2).every((r) => r.ok)).toBe(true);
    expect(first[2]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION', code: 'MALFORMED_ID' } });
    expect((await crm.adapter.archive('Account', ids)).every((r) => r.ok)).toBe(true);
    const rows = await stored(crm.emu.url, 'Account');
    expect(rows.filter((r) => ids.includes(String(r.Id))).map((r) => r.IsDeleted)).toEqual([true, true]);
    const changes = (await collect(crm.adapter.listChanged('Account', null, { fields: ['Name'] }))).flatMap((p) => p.records);
    expect(changes.slice(-2).map((r) => [r.remoteId, r.deleted])).toEqual([
      [ids[0], true],
      [ids[1], true],
    ]);
  });
});
