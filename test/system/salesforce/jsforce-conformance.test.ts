/**
 * jsforce 3.10.16, unchanged apart from its base URL, against the Salesforce emulator:
 * if the vendor's own SDK works, the emulator speaks the real wire.
 */
import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { admin, stats, stored } from '../../support/emulators';
import { connect, startEmulator } from '../../support/crms/salesforce';

let emu: RunningEmulator;
let conn: Connection;
let refreshes: number;

beforeEach(async () => {
  emu = await startEmulator(1200);
  conn = connect(emu.url);
  refreshes = 0;
  conn.on('refresh', () => refreshes++);
});
afterEach(() => emu.close());

interface Row {
  Id: string;
  [field: string]: unknown;
}

describe('jsforce against the Salesforce emulator', () => {
  it('refreshes lazily on the first 401, replays the call and fires "refresh"', async () => {
    const result = await conn.query<Row>('SELECT Id, Name FROM Account');
    expect(result.totalSize).toBeGreaterThan(0);
    expect(refreshes).toBe(1);
    expect(conn.accessToken).toBeTruthy();
    expect(conn.instanceUrl).toBe(emu.url);
    expect(conn.userInfo?.organizationId).toMatch(/^00D/);
    const s = await stats(emu.url);
    expect(s.byStatus['401']).toBe(1);
  });

  it('recovers through a refresh when tokens expire mid-session', async () => {
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    const before = conn.accessToken;
    await admin(emu.url, 'POST', 'faults', { expireTokens: true });
    // A new org has country picklists: the code field holds the ISO code, the text field its name.
    const after = await conn.query<Row>("SELECT Id, Email FROM Contact WHERE MailingCountryCode = 'US' LIMIT 5");
    expect(after.records).toHaveLength(5);
    expect(refreshes).toBe(2);
    expect(conn.accessToken).not.toBe(before);
  });

  it('a revoked refresh token (revokeRefreshTokens) fails the refresh with invalid_grant until the faults are cleared', async () => {
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    await admin(emu.url, 'POST', 'faults', { revokeRefreshTokens: true, expireTokens: true });
    // jsforce's session refresh after the 401 gets Salesforce's refusal (crm-wire.md §6.1 item 3) and wraps its description.
    await expect(conn.query('SELECT Id FROM Lead LIMIT 1')).rejects.toThrow('Unable to refresh session due to: expired access/refresh token');
    // Its OAuth2 client reports the wire error itself: name = error, message = error_description.
    await expect(conn.oauth2.refreshToken(conn.refreshToken!)).rejects.toMatchObject({ name: 'invalid_grant', message: 'expired access/refresh token' });
    const s = await stats(emu.url);
    expect(s.byStatus['400']).toBe(2); // the two refused refreshes, and nothing else
    await admin(emu.url, 'DELETE', 'faults');
    const after = await conn.query<Row>('SELECT Id FROM Lead LIMIT 1');
    expect(after.records).toHaveLength(1);
  });

  it('pages with autoFetch across at least three batches and stops at maxFetch', async () => {
    const total = (await stored(emu.url, 'Contact')).length;
    expect(total).toBeGreaterThan(600);
    const headers = { 'Sforce-Query-Options': 'batchSize=200' };
    const all = await conn.query<Row>('SELECT Id, LastName FROM Contact ORDER BY Id', { autoFetch: true, maxFetch: 100_000, headers });
    expect(all.records).toHaveLength(total);
    expect(new Set(all.records.map((r) => r.Id)).size).toBe(total);
    expect(all.records.map((r) => r.Id)).toEqual([...all.records.map((r) => r.Id)].sort());
    const capped = await conn.query<Row>('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 450, headers });
    expect(capped.records).toHaveLength(450);
  });

  it('pages manually with queryMore until done', async () => {
    const first = await conn.query<Row>('SELECT Id FROM Contact', { headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(200);
    // jsforce rebuilds the URL from the locator (last path segment) under its own instance URL.
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v59\.0\/query\/01g[^/]+$/);
    let pages = 1;
    let seen = first.records.length;
    let next = first.nextRecordsUrl;
    while (next) {
      const page = await conn.queryMore<Row>(next);
      pages++;
      seen += page.records.length;
      next = page.done ? undefined : page.nextRecordsUrl;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toBe(first.totalSize);
  });

  it('creates, retrieves, updates and destroys a single record', async () => {
    const created = await conn.sobject('Lead').create({ LastName: 'Hopper', Company: 'Navy', Email: 'grace@navy.mil' });
    expect(created.success).toBe(true);
    expect(created.id).toMatch(/^00Q[A-Za-z0-9]{15}$/);
    const lead = (await conn.sobject('Lead').retrieve(created.id!)) as Row;
    expect(lead.Status).toBe('Open - Not Contacted');
    expect(lead.Name).toBe('Hopper');
    expect(lead.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const updated = await conn.sobject('Lead').update({ Id: created.id!, FirstName: 'Grace', Title: 'Rear Admiral' });
    expect(updated.success).toBe(true);
    const again = (await conn.sobject('Lead').retrieve(created.id!, { fields: ['Name', 'Title'] })) as Row;
    expect(again).toMatchObject({ Name: 'Grace Hopper', Title: 'Rear Admiral' });
    await conn.sobject('Lead').destroy(created.id!);
    await expect(conn.sobject('Lead').retrieve(created.id!)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
    const visible = await conn.query(`SELECT Id FROM Lead WHERE Id = '${created.id}'`);
    const withDeleted = await conn.query<Row>(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${created.id}'`, { scanAll: true });
    expect(visible.totalSize).toBe(0);
    expect(withDeleted.records[0]?.IsDeleted).toBe(true);
  });

  it('reports a missing required field as jsforce error REQUIRED_FIELD_MISSING', async () => {
    await expect(conn.sobject('Lead').create({ FirstName: 'NoLast' })).rejects.toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING' });
  });

  it('uses sObject collections for array create, update, upsert and destroy', async () => {
    const created = await conn.sobject('Contact').create([{ LastName: 'One' }, { LastName: 'Two' }, { FirstName: 'No last name' }]);
    expect(created.map((r) => r.success)).toEqual([true, true, false]);
    const failed = created[2]!;
    expect(failed.success ? [] : failed.errors[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] });
    const ids = created.filter((r) => r.success).map((r) => r.id!);
    const updated = await conn.sobject('Contact').update(ids.map((Id) => ({ Id, Department: 'R&D' })));
    expect(updated.every((r) => r.success)).toBe(true);
    const upserted = await conn.sobject('Contact').upsert(
      [
        { LastName: 'Three', Junction_Id__c: 'j-3' },
        { LastName: 'Four', Junction_Id__c: 'j-4' },
      ],
      'Junction_Id__c',
    );
    expect(upserted.map((r) => (r as { created?: boolean }).created)).toEqual([true, true]);
    const replay = await conn.sobject('Contact').upsert([{ LastName: 'Three again', Junction_Id__c: 'j-3' }], 'Junction_Id__c');
    expect(replay[0]).toMatchObject({ success: true, created: false, id: upserted[0]!.id });
    const fetched = (await conn.sobject('Contact').retrieve([...ids, upserted[0]!.id!])) as Row[];
    expect(fetched.map((r) => r.Department)).toEqual(['R&D', 'R&D', null]);
    expect(fetched[2]?.LastName).toBe('Three again');
    const destroyed = await conn.sobject('Contact').destroy(ids);
    expect(destroyed.every((r) => r.success)).toBe(true);
  });

  it('reads limits consistent with Sforce-Limit-Info', async () => {
    const limits = await conn.limits();
    expect(limits.DailyApiRequests.Max).toBe(15000);
    const used = limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining;
    expect(used).toBeGreaterThan(0);
    expect(conn.limitInfo.apiUsage).toEqual({ used, limit: 15000 });
    expect(limits.DailyBulkV2QueryJobs).toBeDefined();
  });

  it('answers updated() and deleted() over a replication window', async () => {
    const start = new Date(Date.now() - 5 * 60_000);
    const { id } = await conn.sobject('Account').create({ Name: 'Replicated Ltd' });
    const gone = await conn.sobject('Account').create({ Name: 'Short Lived Ltd' });
    await conn.sobject('Account').destroy(gone.id!);
    const end = new Date(Date.now() + 2 * 60_000);
    const updated = await conn.sobject('Account').updated(start, end);
    expect(updated.ids).toContain(id);
    expect(updated.ids).not.toContain(gone.id);
    expect(updated.latestDateCovered).toMatch(/:00\.000\+0000$/);
    const deleted = await conn.sobject('Account').deleted(start, end);
    expect(deleted.deletedRecords.map((d) => d.id)).toEqual([gone.id]);
  });

  it('describes an object with its external-id field', async () => {
    const d = await conn.sobject('Lead').describe();
    expect(d.name).toBe('Lead');
    const ext = d.fields.find((f) => f.name === 'Junction_Id__c');
    expect(ext).toMatchObject({ externalId: true, unique: true, type: 'string' });
    expect(d.fields.find((f) => f.name === 'LastName')?.nillable).toBe(false);
  });

  it('returns every row from bulk2.query', async () => {
    const total = (await stored(emu.url, 'Contact')).length;
    const rows = (await (await conn.bulk2.query('SELECT Id, LastName, IsDeleted FROM Contact')).toArray()) as Row[];
    expect(rows).toHaveLength(total);
    expect(rows[0]).toHaveProperty('LastName');
  });

  it('ingests with bulk2.loadAndWaitForResults and reports per-row failures', async () => {
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'insert',
      input: [
        { LastName: 'Bulk1', Company: 'Acme', NumberOfEmployees: 5 },
        { LastName: 'Bulk2', Company: 'Acme' },
        { LastName: 'NoCompany' },
      ],
      pollInterval: 50,
      pollTimeout: 10_000,
    });
    expect(results.successfulResults).toHaveLength(2);
    expect(results.successfulResults[0]?.sf__Id).toMatch(/^00Q/);
    expect(results.failedResults).toHaveLength(1);
    expect(results.failedResults[0]?.sf__Error).toMatch(/^REQUIRED_FIELD_MISSING/);
    const leads = await stored(emu.url, 'Lead');
    expect(leads.find((l) => l.LastName === 'Bulk1')?.NumberOfEmployees).toBe(5);
  });
});
