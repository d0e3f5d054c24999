/**
 * Bulk API 2.0 ingest: jsforce 3.10.16's bulk2 (unchanged apart from its base URL) upserts on
 * Junction_Id__c against the emulator, and Junction's adapter does the same through its own
 * client, matching every result row back to its record.
 */
import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import type { SystemAdapter } from '../../../src/system/system-api';
import { stored } from '../../support/emulators';
import { adapterFor, connect, startEmulator, token } from '../../support/crms/salesforce';

let emu: RunningEmulator;
let conn: Connection;
let adapter: SystemAdapter | undefined;

beforeEach(async () => {
  emu = await startEmulator(20);
  conn = connect(emu.url);
});
afterEach(async () => {
  await adapter?.close();
  adapter = undefined;
  await emu.close();
});

const V = '/services/data/v59.0';

async function limits(): Promise<{ DailyBulkApiBatches: { Max: number; Remaining: number } }> {
  const res = await fetch(`${emu.url}${V}/limits`, { headers: { authorization: `Bearer ${await token(emu.url)}` } });
  return (await res.json()) as { DailyBulkApiBatches: { Max: number; Remaining: number } };
}

describe('Bulk API 2.0 ingest', () => {
  it('jsforce bulk2 upserts on Junction_Id__c: creates, then updates the same records, and reports failed rows', async () => {
    const load = (title: string) =>
      conn.bulk2.loadAndWaitForResults({
        object: 'Contact',
        operation: 'upsert',
        externalIdFieldName: 'Junction_Id__c',
        input: [
          { LastName: 'Bulk One', Email: 'one@bulk.example.com', Title: title, Junction_Id__c: 'j-1' },
          { LastName: 'Bulk Two', Email: 'two@bulk.example.com', Title: title, Junction_Id__c: 'j-2' },
          { Email: 'nolastname@bulk.example.com', Junction_Id__c: 'j-3' },
        ],
        pollInterval: 50,
        pollTimeout: 10_000,
      });
    const first = await load('Buyer');
    expect(first.successfulResults.map((r) => r.sf__Created)).toEqual(['true', 'true']);
    expect(first.failedResults).toHaveLength(1);
    expect(first.failedResults[0]?.sf__Error).toMatch(/^REQUIRED_FIELD_MISSING:.*LastName/);
    const second = await load('Director');
    // The re-run (a retried delivery) finds the records the first one created.
    expect(second.successfulResults.map((r) => r.sf__Created)).toEqual(['false', 'false']);
    expect(second.successfulResults.map((r) => r.sf__Id).sort()).toEqual(first.successfulResults.map((r) => r.sf__Id).sort());
    const contacts = (await stored(emu.url, 'Contact')).filter((c) => String(c.Junction_Id__c ?? '').startsWith('j-'));
    expect(contacts.map((c) => c.Title)).toEqual(['Director', 'Director']);
  });

  it('refuses a second upload to one job, as Salesforce does', async () => {
    const auth = { authorization: `Bearer ${await token(emu.url)}` };
    const created = await fetch(`${emu.url}${V}/jobs/ingest`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Junction_Id__c' }),
    });
    expect(created.status).toBe(200);
    const job = (await created.json()) as { id: string; state: string };
    expect(job.state).toBe('Open');
    const put = () => fetch(`${emu.url}${V}/jobs/ingest/${job.id}/batches`, { method: 'PUT', headers: { ...auth, 'content-type': 'text/csv' }, body: 'LastName,Junction_Id__c\nA,k-1\n' });
    expect((await put()).status).toBe(201);
    const again = await put();
    expect(again.status).toBe(400);
    expect(((await again.json()) as Array<{ errorCode: string; message: string }>)[0]).toMatchObject({ errorCode: 'BULK_API_ERROR', message: expect.stringMatching(/Found multiple contents for job/) });
  });

  it("the adapter's bulkUpsert writes linked records by Id and the rest by Junction id, one job each, with a result per record", async () => {
    adapter = adapterFor(emu.url);
    const existing = (await stored(emu.url, 'Contact'))[0]!;
    const before = (await limits()).DailyBulkApiBatches.Remaining;
    const results = await adapter.bulkUpsert!('Contact', [
      { junctionId: '00000000-0000-4000-8000-000000000001', fields: { LastName: 'Ingest, New', Email: 'new@ingest.example.com', Title: 'Said "hi"' } },
      { junctionId: '00000000-0000-4000-8000-000000000002', remoteId: String(existing.Id), fields: { LastName: 'Relinked', Title: null } },
      { junctionId: '00000000-0000-4000-8000-000000000003', fields: { Email: 'missing@ingest.example.com' } },
    ]);
    expect(results[0]).toMatchObject({ ok: true, created: true, remoteId: expect.stringMatching(/^003/) });
    expect(results[1]).toMatchObject({ ok: true, created: false, remoteId: existing.Id });
    expect(results[2]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION', code: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] } });
    expect(before - (await limits()).DailyBulkApiBatches.Remaining).toBe(2);
    const contacts = await stored(emu.url, 'Contact');
    const created = contacts.find((c) => c.Id === results[0]!.remoteId)!;
    expect(created).toMatchObject({ LastName: 'Ingest, New', Title: 'Said "hi"', Junction_Id__c: '00000000-0000-4000-8000-000000000001' });
    // `#N/A` cleared the title; the linked record got Junction's id stamped.
    expect(contacts.find((c) => c.Id === existing.Id)).toMatchObject({ LastName: 'Relinked', Title: null, Junction_Id__c: '00000000-0000-4000-8000-000000000002' });
    // Jobs are deleted once their results are read.
    const jobs = await fetch(`${emu.url}${V}/jobs/ingest`, { headers: { authorization: `Bearer ${await token(emu.url)}` } });
    expect(((await jobs.json()) as { records: unknown[] }).records).toEqual([]);
  });
});
