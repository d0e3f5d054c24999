/** The Salesforce SystemAdapter against its emulator, over real HTTP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { SystemError } from '../../../src/system/errors';
import type { OutboundRecord, SystemAdapter, TokenInfo } from '../../../src/system/system-api';
import { adapterFor, admin, collect, startEmulator, stats, stored } from './support';

let emu: RunningEmulator;
let adapter: SystemAdapter;

beforeEach(async () => {
  emu = await startEmulator(1200);
  adapter = adapterFor(emu.url);
});
afterEach(async () => {
  await adapter.close();
  await emu.close();
});

const FIELDS = ['FirstName', 'LastName', 'Email', 'MailingCountry'];

describe('listChanged', () => {
  it('yields pages oldest first with only the requested fields', async () => {
    const total = (await stored(emu.url, 'Contact')).length;
    const pages = await collect(adapter.listChanged('Contact', null, { fields: FIELDS, pageSize: 200 }));
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
    const pages = await collect(adapter.listChanged('Contact', null, { fields: FIELDS, pageSize: 200 }));
    const firstPageIds = pages[0]!.records.map((r) => r.remoteId);
    const laterIds = pages.slice(1).flatMap((p) => p.records.map((r) => r.remoteId));
    // A record from the first page changes after the cursor was saved, and a new one arrives.
    await adapter.upsert('Contact', [{ remoteId: firstPageIds[3]!, junctionId: 'j-resume', fields: { Title: 'Changed' } }]);
    const [created] = await adapter.upsert('Contact', [{ junctionId: 'j-new', fields: { LastName: 'Newcomer' } }]);
    const resumed = (await collect(adapter.listChanged('Contact', pages[0]!.cursor, { fields: FIELDS, pageSize: 200 }))).flatMap((p) => p.records.map((r) => r.remoteId));
    expect(resumed).toEqual([...laterIds, firstPageIds[3], created!.remoteId]);
    const last = await collect(adapter.listChanged('Contact', pages.at(-1)!.cursor, { fields: FIELDS }));
    expect(last.flatMap((p) => p.records.map((r) => r.remoteId))).toEqual([firstPageIds[3], created!.remoteId]);
  });

  it('is tie-safe: records sharing a SystemModstamp are not skipped on resume', async () => {
    await admin(emu.url, 'POST', 'reset');
    const stamp = '2030-01-01T00:00:00.000+0000';
    for (const id of ['00Q5g00000000AAAAA', '00Q5g00000000BAAAA', '00Q5g00000000CAAAA'])
      await admin(emu.url, 'POST', 'records/Lead', { Id: id, LastName: id, Company: 'Tie', SystemModstamp: stamp });
    const all = (await collect(adapter.listChanged('Lead', null, { fields: ['LastName'] }))).flatMap((p) => p.records);
    expect(all.map((r) => r.modifiedAt)).toEqual(Array(3).fill('2030-01-01T00:00:00.000Z'));
    // A cursor persisted after the first of the three resumes with the other two.
    const cursor = `2030-01-01T00:00:00.000Z|00Q5g00000000AAAAA`;
    const rest = (await collect(adapter.listChanged('Lead', cursor, { fields: ['LastName'] }))).flatMap((p) => p.records.map((r) => r.remoteId));
    expect(rest).toEqual(['00Q5g00000000BAAAA', '00Q5g00000000CAAAA']);
  });

  it('yields malformed rows flagged for quarantine instead of crashing or dropping them', async () => {
    await admin(emu.url, 'POST', 'reset');
    await admin(emu.url, 'POST', 'records/Lead', { LastName: 'NoId', Company: 'X' });
    await admin(emu.url, 'POST', 'records/Lead', { Id: '00Q5g00000000ZZAAA', LastName: 'BadStamp', Company: 'X', SystemModstamp: 'yesterday-ish' });
    const good = await adapter.upsert('Lead', [{ junctionId: 'j-good', fields: { LastName: 'Good', Company: 'X' } }]);
    const pages = await collect(adapter.listChanged('Lead', null, { fields: ['LastName'] }));
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
    await expect(collect(adapter.listChanged('Lead', 'not-a-cursor', { fields: [] }))).rejects.toMatchObject({ errorClass: 'VALIDATION', code: 'BAD_CURSOR' });
  });

  it('surfaces unknown fields as a VALIDATION error', async () => {
    await expect(collect(adapter.listChanged('Lead', null, { fields: ['NoSuchField'] }))).rejects.toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_FIELD' });
  });
});

describe('bulkExport', () => {
  it('pages Bulk API 2.0 results and types CSV values back', async () => {
    const total = (await stored(emu.url, 'Lead')).length;
    const before = adapter.stats.apiCalls;
    const batches = await collect(adapter.bulkExport('Lead', { fields: ['LastName', 'Company', 'NumberOfEmployees', 'Street'], pageSize: 150 }));
    expect(batches.length).toBe(Math.ceil(total / 150));
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(total);
    expect(new Set(records.map((r) => r.remoteId)).size).toBe(total);
    expect(records[0]!.fields.IsDeleted).toBe(false);
    expect(records[0]!.deleted).toBe(false);
    expect(records[0]!.fields.Street).toBeNull();
    expect(records[0]!.modifiedAt).toMatch(/Z$/);
    // describe + create + poll + one results call per page + delete.
    expect(adapter.stats.apiCalls - before).toBe(3 + batches.length + 1);
    const [planted] = await adapter.upsert('Lead', [{ junctionId: 'j-num', fields: { LastName: 'Num', Company: 'C', NumberOfEmployees: 42 } }]);
    const again = (await collect(adapter.bulkExport('Lead', { fields: ['NumberOfEmployees'] }))).flatMap((p) => p.records);
    expect(again.find((r) => r.remoteId === planted!.remoteId)?.fields.NumberOfEmployees).toBe(42);
  });

  it('resumes from a page token on the same query job, and starts a new job once that job is gone', async () => {
    const fields = ['LastName', 'Company'];
    const ids = (pages: Array<{ records: Array<{ remoteId: string }> }>) => pages.flatMap((p) => p.records.map((r) => r.remoteId));
    // A reader that stops after its first page (as a killed run does) leaves the job for a resume.
    let first: { records: Array<{ remoteId: string }>; resume?: string } | undefined;
    for await (const page of adapter.bulkExport('Lead', { fields, pageSize: 150 })) {
      first = page;
      break;
    }
    expect(first!.resume).toBeDefined();
    const callsBefore = adapter.stats.apiCalls;
    const rest = await collect(adapter.bulkExport('Lead', { fields, pageSize: 150, resumeFrom: first!.resume }));
    // describe + poll (the job is complete) + one results call per page + delete: no new job.
    expect(adapter.stats.apiCalls - callsBefore).toBe(2 + rest.length + 1);
    const total = (await stored(emu.url, 'Lead')).length;
    expect(new Set([...ids([first!]), ...ids(rest)]).size).toBe(total);
    expect(ids([first!]).length + ids(rest).length).toBe(total);
    // The completed export deleted the job: the same token now starts over with a new job and reads everything.
    const againBefore = adapter.stats.apiCalls;
    const again = await collect(adapter.bulkExport('Lead', { fields, pageSize: 150, resumeFrom: first!.resume }));
    expect(ids(again)).toHaveLength(total);
    // describe + poll (404) + create + poll + one results call per page + delete.
    expect(adapter.stats.apiCalls - againBefore).toBe(4 + again.length + 1);
  });

  it('refuses a malformed resume token with a typed error', async () => {
    const err = await collect(adapter.bulkExport('Lead', { fields: ['LastName'], resumeFrom: '{"job":"../x"}' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect(err).toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_RESUME_TOKEN' });
  });
});

describe('upsert', () => {
  const people = (n: number, prefix = 'j'): OutboundRecord[] =>
    Array.from({ length: n }, (_, i) => ({ junctionId: `${prefix}-${i}`, fields: { LastName: `Person ${i}`, Email: `p${i}@example.com` } }));

  it('creates unlinked records, updates linked ones and is idempotent on replay', async () => {
    const before = (await stored(emu.url, 'Contact')).length;
    const first = await adapter.upsert('Contact', people(3));
    expect(first.every((r) => r.ok && r.created === true)).toBe(true);
    const replay = await adapter.upsert('Contact', people(3));
    expect(replay.map((r) => r.created)).toEqual([false, false, false]);
    expect(replay.map((r) => r.remoteId)).toEqual(first.map((r) => r.remoteId));
    expect((await stored(emu.url, 'Contact')).length).toBe(before + 3);
    const [updated] = await adapter.upsert('Contact', [{ remoteId: first[1]!.remoteId, junctionId: 'j-1', fields: { Title: 'CTO' } }]);
    expect(updated).toMatchObject({ ok: true, created: false, remoteId: first[1]!.remoteId });
    const row = (await stored(emu.url, 'Contact')).find((r) => r.Id === first[1]!.remoteId)!;
    expect(row).toMatchObject({ Title: 'CTO', Junction_Id__c: 'j-1', LastName: 'Person 1' });
  });

  it('stamps the junction id on a linked record that had none', async () => {
    const existing = (await stored(emu.url, 'Contact'))[0]!;
    await adapter.upsert('Contact', [{ remoteId: String(existing.Id), junctionId: 'j-linked', fields: {} }]);
    expect((await stored(emu.url, 'Contact')).find((r) => r.Id === existing.Id)?.Junction_Id__c).toBe('j-linked');
  });

  it('classifies per-record failures without throwing, in input order', async () => {
    const [taken] = await adapter.upsert('Contact', [{ junctionId: 'j-taken', fields: { LastName: 'Holder' } }]);
    const [doomed] = await adapter.upsert('Contact', [{ junctionId: 'j-doomed', fields: { LastName: 'Doomed' } }]);
    await adapter.archive('Contact', [doomed!.remoteId!]);
    const other = (await stored(emu.url, 'Contact')).find((r) => r.IsDeleted === false && r.Junction_Id__c === null)!;
    const results = await adapter.upsert('Contact', [
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
    const before = adapter.stats.apiCalls;
    const input = people(450, 'bulk');
    const results = await adapter.upsert('Contact', input);
    expect(adapter.stats.apiCalls - before).toBe(3);
    expect(results.map((r) => r.junctionId)).toEqual(input.map((r) => r.junctionId));
    expect(results.every((r) => r.ok)).toBe(true);
  });
});

describe('archive', () => {
  it('soft-deletes, is idempotent, and the deletion shows in listChanged', async () => {
    const created = await adapter.upsert('Account', [
      { junctionId: 'a-1', fields: { Name: 'Gone Inc' } },
      { junctionId: 'a-2', fields: { Name: 'Also Gone Inc' } },
    ]);
    const ids = created.map((r) => r.remoteId!);
    const first = await adapter.archive('Account', [...ids, 'not an id']);
    expect(first.slice(0, 2).every((r) => r.ok)).toBe(true);
    expect(first[2]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION', code: 'MALFORMED_ID' } });
    expect((await adapter.archive('Account', ids)).every((r) => r.ok)).toBe(true);
    const rows = await stored(emu.url, 'Account');
    expect(rows.filter((r) => ids.includes(String(r.Id))).map((r) => r.IsDeleted)).toEqual([true, true]);
    const changes = (await collect(adapter.listChanged('Account', null, { fields: ['Name'] }))).flatMap((p) => p.records);
    expect(changes.slice(-2).map((r) => [r.remoteId, r.deleted])).toEqual([
      [ids[0], true],
      [ids[1], true],
    ]);
  });
});

describe('usage, tokens and resilience', () => {
  it('reads usage from /limits and tracks Sforce-Limit-Info', async () => {
    await admin(emu.url, 'POST', 'faults', { quotaRemaining: 1000 });
    const usage = await adapter.getUsage();
    expect(usage).toEqual({ used: 14001, limit: 15000 });
    await collect(adapter.listChanged('Account', null, { fields: ['Name'] }));
    expect(adapter.stats.lastUsage).toEqual({ used: 14002, limit: 15000 });
  });

  it('stops at once with RATE_LIMIT/QUOTA_EXHAUSTED when the daily quota is spent', async () => {
    await adapter.getUsage();
    await admin(emu.url, 'POST', 'faults', { quotaRemaining: 0 });
    const before = (await stats(emu.url)).requests;
    const err = await adapter.getUsage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemError);
    expect(err).toMatchObject({ errorClass: 'RATE_LIMIT', code: 'QUOTA_EXHAUSTED', details: { status: 403 } });
    expect((await stats(emu.url)).requests - before).toBe(1);
  });

  it('refreshes once after tokens expire and reports the new token', async () => {
    const tokens: TokenInfo[] = [];
    const watched = adapterFor(emu.url, { onToken: (t) => tokens.push(t) });
    try {
      await watched.getUsage();
      await admin(emu.url, 'POST', 'faults', { expireTokens: true });
      await watched.getUsage();
      expect(tokens).toHaveLength(2);
      expect(tokens[1]!.accessToken).not.toBe(tokens[0]!.accessToken);
      const ttl = Date.parse(tokens[1]!.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(7_100_000);
      expect(ttl).toBeLessThanOrEqual(7_200_000);
      expect((await stats(emu.url)).byStatus['401']).toBe(1);
    } finally {
      await watched.close();
    }
  });

  it('honours Retry-After on 429 and never calls inside the back-off window', async () => {
    await admin(emu.url, 'POST', 'faults', { rateLimit: { requests: 2, windowMs: 1000 } });
    const started = Date.now();
    for (let i = 0; i < 4; i++) await adapter.getUsage();
    const s = await stats(emu.url);
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.overLimit).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('retries 503s a bounded number of times, then fails as SERVER', async () => {
    await adapter.getUsage();
    await admin(emu.url, 'POST', 'faults', { rate5xx: 1 });
    const before = (await stats(emu.url)).requests;
    await expect(adapter.getUsage()).rejects.toMatchObject({ errorClass: 'SERVER', code: 'SERVER_UNAVAILABLE' });
    expect((await stats(emu.url)).requests - before).toBe(4);
  });

  it('times out a call the emulator never answers', async () => {
    const impatient = adapterFor(emu.url, { timeoutMs: 300, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    try {
      await impatient.refreshToken();
      await admin(emu.url, 'POST', 'faults', { timeoutRate: 1 });
      expect(await impatient.testConnection()).toMatchObject({ ok: false, errorClass: 'TIMEOUT' });
    } finally {
      await impatient.close();
    }
  });

  it('testConnection reports success, bad credentials and an unreachable host without throwing', async () => {
    const ok = await adapter.testConnection();
    expect(ok).toMatchObject({ ok: true, apiVersion: '59.0' });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    const wrong = adapterFor(emu.url, { credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'revoked' } });
    const bad = await wrong.testConnection();
    expect(bad).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
    expect(bad.message).toContain('expired access/refresh token');
    await wrong.close();
    const nowhere = adapterFor('http://127.0.0.1:9', { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    expect(await nowhere.testConnection()).toMatchObject({ ok: false, errorClass: 'NETWORK' });
    await nowhere.close();
  });

  it('refreshToken uses the refresh grant and counts calls through the transport', async () => {
    const token = await adapter.refreshToken();
    expect(token.accessToken).toBeTruthy();
    expect(adapter.stats.tokenExpiresAt).toBe(token.expiresAt);
    const before = adapter.stats.apiCalls;
    await adapter.getUsage();
    expect(adapter.stats.apiCalls).toBe(before + 1);
  });
});
