/** The emulator's wire details that neither jsforce nor the adapter pins down, over raw HTTP. */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { admin, stored } from '../../support/emulators';
import { startEmulator, token } from '../../support/crms/salesforce';

let emu: RunningEmulator;
let auth: Record<string, string>;
const V = '/services/data/v59.0';

beforeEach(async () => {
  emu = await startEmulator(600);
  auth = { authorization: `Bearer ${await token(emu.url)}` };
});
afterEach(() => emu.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const q = (soql: string) => `${V}/query?q=${encodeURIComponent(soql)}`;

describe('auth and errors', () => {
  it('answers 401 INVALID_SESSION_ID without a valid bearer, and the OAuth errors on bad credentials', async () => {
    auth = {};
    const r = await call('GET', q('SELECT Id FROM Lead'));
    expect(r.status).toBe(401);
    expect(r.json).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const form = (o: Record<string, string>) => call('POST', '/services/oauth2/token', new URLSearchParams(o).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect((await form({ grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'junction-sandbox', client_secret: 'sandbox-secret' })).json).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
    expect((await form({ grant_type: 'client_credentials', client_id: 'junction-sandbox', client_secret: 'wrong' })).json).toMatchObject({ error: 'invalid_client' });
    const cc = await form({ grant_type: 'client_credentials', client_id: 'junction-sandbox', client_secret: 'sandbox-secret' });
    expect(cc.status).toBe(200);
    expect(cc.json).toMatchObject({ token_type: 'Bearer', instance_url: emu.url, id: expect.stringMatching(/\/id\/00D\w+\/005\w+$/) });
  });

  it('sends Sforce-Limit-Info, then 403 REQUEST_LIMIT_EXCEEDED once the quota is spent', async () => {
    const ok = await call('GET', `${V}/limits`);
    const [used, max] = /api-usage=(\d+)\/(\d+)/.exec(ok.headers.get('sforce-limit-info') ?? '')!.slice(1).map(Number);
    const limits = ok.json as { DailyApiRequests: { Max: number; Remaining: number } };
    expect(limits.DailyApiRequests).toEqual({ Max: max, Remaining: max! - used! });
    await admin(emu.url, 'POST', 'faults', { quotaRemaining: 0 });
    const spent = await call('GET', `${V}/limits`);
    expect(spent.status).toBe(403);
    expect(spent.json).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(spent.headers.get('sforce-limit-info')).toBe('api-usage=15000/15000');
  });

  it('answers an enforced rate limit with 429, Retry-After and an error array', async () => {
    await admin(emu.url, 'POST', 'faults', { rateLimit: { requests: 1, windowMs: 60_000 } });
    await call('GET', `${V}/limits`);
    const r = await call('GET', `${V}/limits`);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.json).toMatchObject([{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
  });

  it('turns malformed JSON, unknown paths and wrong methods into Salesforce error arrays', async () => {
    const bad = await call('POST', `${V}/sobjects/Lead`, '{"LastName": ');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject([{ errorCode: 'JSON_PARSER_ERROR' }]);
    expect((await call('GET', `${V}/sobjects/Opportunity/describe`)).json).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    expect((await call('PUT', `${V}/limits`)).status).toBe(405);
    const versions = await call('GET', '/services/data/');
    expect(versions.json).toContainEqual({ label: "Winter '24", url: '/services/data/v59.0', version: '59.0' });
    expect((await call('GET', `/services/data/v50.0/limits`)).status).toBe(200);
  });
});

describe('SOQL over REST', () => {
  it('reports MALFORMED_QUERY, INVALID_FIELD and quoted datetimes the way Salesforce does', async () => {
    expect((await call('GET', q('SELECT Id FROM Lead WHERE'))).json).toMatchObject([{ errorCode: 'MALFORMED_QUERY' }]);
    expect((await call('GET', q('SELECT Id, Nope FROM Lead'))).json).toMatchObject([{ errorCode: 'INVALID_FIELD', message: expect.stringContaining("No such column 'Nope'") }]);
    expect((await call('GET', q("SELECT Id FROM Lead WHERE CreatedDate > '2024-01-01T00:00:00Z'"))).json).toMatchObject([
      { errorCode: 'INVALID_FIELD', message: expect.stringContaining('must be of type dateTime and should not be enclosed in quotes') },
    ]);
    expect((await call('GET', q('SELECT Id FROM Opportunity'))).json).toMatchObject([{ errorCode: 'INVALID_TYPE' }]);
  });

  it('filters with datetime offsets, LIKE, IN and NOT, and clamps batchSize to 200', async () => {
    const leads = (await stored(emu.url, 'Lead')).filter((l) => l.Country === 'US');
    const r = await call('GET', q("SELECT Id, Country FROM Lead WHERE CreatedDate > 2000-01-01T00:00:00+00:00 AND Country IN ('US') AND NOT Email LIKE '%@nowhere.test' LIMIT 1000"));
    expect((r.json as { totalSize: number }).totalSize).toBe(leads.length);
    const page = await call('GET', q('SELECT Id FROM Contact'), undefined, { 'Sforce-Query-Options': 'batchSize=5' });
    const body = page.json as { records: unknown[]; nextRecordsUrl: string; done: boolean };
    expect(body.records).toHaveLength(200);
    expect(body.done).toBe(false);
    const more = await call('GET', body.nextRecordsUrl.replace('/query/', '/queryAll/'));
    expect((more.json as { records: Array<{ attributes: { type: string } }> }).records[0]!.attributes.type).toBe('Contact');
  });

  it('serves queryAll with deleted rows that query hides', async () => {
    const id = String((await stored(emu.url, 'Account'))[0]!.Id);
    expect((await call('DELETE', `${V}/sobjects/Account/${id}`)).status).toBe(204);
    const soql = `SELECT Id, IsDeleted FROM Account WHERE Id = '${id}'`;
    expect((await call('GET', q(soql))).json).toMatchObject({ totalSize: 0, done: true, records: [] });
    expect((await call('GET', `${V}/queryAll?q=${encodeURIComponent(soql)}`)).json).toMatchObject({ totalSize: 1, records: [{ Id: id, IsDeleted: true }] });
  });
});

describe('records and collections', () => {
  it('upserts a single record by external id: 201 created, then 200 created:false', async () => {
    const path = `${V}/sobjects/Lead/Junction_Id__c/ext-1`;
    const first = await call('PATCH', path, { LastName: 'Ext', Company: 'C' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ success: true, created: true });
    const second = await call('PATCH', path, { Title: 'Again' });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ id: (first.json as { id: string }).id, created: false });
    expect((await call('PATCH', `${V}/sobjects/Lead/Email/x`, {})).status).toBe(404);
  });

  it('refuses more than 200 records per collection call', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `A${i}` }));
    const r = await call('POST', `${V}/composite/sobjects`, { records });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject([{ errorCode: 'EXCEEDED_ID_LIMIT' }]);
  });

  it('rolls every record back under allOrNone', async () => {
    const before = (await stored(emu.url, 'Account')).length;
    const r = await call('POST', `${V}/composite/sobjects`, {
      allOrNone: true,
      records: [
        { attributes: { type: 'Account' }, Name: 'Kept?' },
        { attributes: { type: 'Account' }, Website: 'no-name.example' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
      { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] }] },
    ]);
    expect((await stored(emu.url, 'Account')).length).toBe(before);
  });

  it('refuses updates to a converted lead and writes to read-only fields', async () => {
    const { id } = (await emu.server.url, await admin(emu.url, 'POST', 'records/Lead', { Id: '00Q5g0000000CNVAAA', LastName: 'Conv', Company: 'C', IsConverted: true, ConvertedContactId: null })) as { id: string };
    const r = await call('PATCH', `${V}/sobjects/Lead/${id}`, { Title: 'x' });
    expect(r.json).toMatchObject([{ errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD' }]);
    const ro = await call('POST', `${V}/sobjects/Lead`, { LastName: 'L', Company: 'C', IsConverted: true });
    expect(ro.json).toMatchObject([{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['IsConverted'] }]);
  });

  it('stores custom __c fields and lets SOQL select them afterwards', async () => {
    expect((await call('GET', q('SELECT Id, Tier__c FROM Account'))).json).toMatchObject([{ errorCode: 'INVALID_FIELD' }]);
    await call('POST', `${V}/sobjects/Account`, { Name: 'Custom Co', Tier__c: 'Gold' });
    const r = await call('GET', q("SELECT Id, Tier__c FROM Account WHERE Tier__c = 'gold'"));
    expect(r.json).toMatchObject({ totalSize: 1, records: [{ Tier__c: 'Gold' }] });
  });

  it('accepts replication windows with a trailing slash and Z dates', async () => {
    const start = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const end = new Date(Date.now() + 120_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await call('GET', `${V}/sobjects/Contact/updated/?start=${start}&end=${end}`);
    expect((r.json as { ids: string[] }).ids.length).toBe((await stored(emu.url, 'Contact')).length);
    const old = await call('GET', `${V}/sobjects/Contact/deleted/?start=2000-01-01T00:00:00Z&end=${end}`);
    expect(old.json).toMatchObject([{ errorCode: 'INVALID_REPLICATION_DATE' }]);
  });
});

describe('Bulk API 2.0 query results', () => {
  async function queryJob(soql: string): Promise<string> {
    const created = await call('POST', `${V}/jobs/query`, { operation: 'query', query: soql });
    expect(created.json).toMatchObject({ operation: 'query', state: 'UploadComplete' });
    const id = (created.json as { id: string }).id;
    expect((await call('GET', `${V}/jobs/query/${id}`)).json).toMatchObject({ state: 'JobComplete' });
    return id;
  }

  it('pages with maxRecords and Sforce-Locator, repeating the header, ending with locator "null"', async () => {
    const total = (await stored(emu.url, 'Contact')).length;
    const id = await queryJob('SELECT Id, LastName, IsDeleted FROM Contact');
    const seen: string[] = [];
    let locator: string | null = null;
    let pages = 0;
    do {
      const r = await call('GET', `${V}/jobs/query/${id}/results?maxRecords=50${locator ? `&locator=${locator}` : ''}`, undefined, { accept: 'text/csv' });
      expect(r.headers.get('content-type')).toContain('text/csv');
      expect(r.text.split('\n')[0]).toBe('"Id","LastName","IsDeleted"');
      const rows = parse(r.text, { columns: true }) as Array<Record<string, string>>;
      expect(Number(r.headers.get('sforce-numberofrecords'))).toBe(rows.length);
      seen.push(...rows.map((row) => row.Id!));
      locator = r.headers.get('sforce-locator');
      expect(locator).not.toBeNull();
      pages++;
    } while (locator !== 'null');
    expect(pages).toBe(Math.ceil(total / 50));
    expect(new Set(seen).size).toBe(total);
  });

  it('answers an un-parameterised results request with one page and Sforce-Locator null', async () => {
    const id = await queryJob('SELECT Id FROM Contact');
    const r = await call('GET', `${V}/jobs/query/${id}/results`, undefined, { accept: 'text/csv' });
    expect(r.headers.get('sforce-locator')).toBe('null');
    expect(Number(r.headers.get('sforce-numberofrecords'))).toBe((await stored(emu.url, 'Contact')).length);
  });

  it('processes an ingest upsert job with sf__ result columns', async () => {
    const job = (await call('POST', `${V}/jobs/ingest`, { object: 'Account', operation: 'upsert', externalIdFieldName: 'Junction_Id__c' })).json as { id: string; operation: string };
    expect(job.operation).toBe('upsert');
    const upload = await call('PUT', `${V}/jobs/ingest/${job.id}/batches`, 'Name,Junction_Id__c,Phone\nOne,a-1,#N/A\n,a-2,\nTwo,a-3,555\n', { 'content-type': 'text/csv' });
    expect(upload.status).toBe(201);
    expect((await call('PATCH', `${V}/jobs/ingest/${job.id}`, { state: 'UploadComplete' })).json).toMatchObject({ state: 'UploadComplete' });
    expect((await call('GET', `${V}/jobs/ingest/${job.id}`)).json).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 1 });
    const ok = parse((await call('GET', `${V}/jobs/ingest/${job.id}/successfulResults`)).text, { columns: true }) as Array<Record<string, string>>;
    expect(ok.map((r) => [r.sf__Created, r.Junction_Id__c])).toEqual([
      ['true', 'a-1'],
      ['true', 'a-3'],
    ]);
    const failed = parse((await call('GET', `${V}/jobs/ingest/${job.id}/failedResults`)).text, { columns: true }) as Array<Record<string, string>>;
    expect(failed[0]!.sf__Error).toMatch(/^REQUIRED_FIELD_MISSING:/);
  });
});
