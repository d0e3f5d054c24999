/**
 * A delivery to Salesforce above the connection's bulk threshold goes through Bulk API 2.0
 * ingest jobs instead of composite collections: records land keyed on Junction_Id__c, links
 * are recorded, failed rows become per-record failures (outbox + error log), and the next
 * run reads the records back without echoing them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople } from '../../src/system';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';

const PEOPLE = 60;

async function one<T>(h: SyncHarness, sql: string, params: unknown[] = []): Promise<T> {
  return ((await h.db.dataSource.query(sql, params)) as T[])[0]!;
}

async function salesforceLimits(url: string): Promise<{ DailyBulkApiBatches: { Remaining: number } }> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: SANDBOX.refreshToken, client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret });
  const tokenRes = await fetch(`${url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  return (await (await fetch(`${url}/services/data/v59.0/limits`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as { DailyBulkApiBatches: { Remaining: number } };
}

describe('delivery to Salesforce through Bulk API 2.0 ingest', () => {
  let h: SyncHarness;

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 0, crms: ['HUBSPOT', 'SALESFORCE'] });
    // One person Salesforce will refuse: its Title holds at most 128 characters, HubSpot's more.
    const people = demoPeople(PEOPLE).map((p, i) => ({ ...p, isLead: false, ...(i === PEOPLE - 1 ? { title: 'Head of '.repeat(20) + 'Sales' } : {}) }));
    h.emulators.get('HUBSPOT')!.seed(people);
  });
  afterAll(async () => h?.close());

  it('ingests above the threshold, records links, and turns a failed row into a per-record failure', async () => {
    const sf = h.emulators.get('SALESFORCE')!;
    const sfId = h.connectionIds.get('SALESFORCE')!;
    // The operator's threshold: more than 10 waiting records go through a bulk job.
    await h.db.dataSource.query(`UPDATE connections SET settings = settings || '{"bulkIngestThreshold": 10}' WHERE id = $1`, [sfId]);
    // Salesforce's first run, while it and the store are empty, passes its test batch: the full runs below are not gated.
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    const jobsBefore = (await salesforceLimits(sf.url)).DailyBulkApiBatches.Remaining;

    // The HubSpot run queues every person for Salesforce, and the worker delivers them at once.
    expect((await h.sync('HUBSPOT', 'BULK')).status).toBe('SUCCEEDED');
    expect(Number((await one<{ n: string }>(h, `SELECT count(*) n FROM contacts`)).n)).toBe(PEOPLE);
    const refused = await one<{ id: string }>(h, `SELECT id FROM contacts WHERE length(title) > 128`);
    const run = await one<{ status: string; records_written: number; records_failed: number }>(h, `SELECT status, records_written, records_failed FROM sync_runs WHERE connection_id = $1 ORDER BY created_at DESC LIMIT 1`, [sfId]);
    expect(run).toMatchObject({ status: 'PARTIAL', records_failed: 1 });
    // One job for the contacts (and one for the companies when more than 10 wait): not one composite call per 200.
    const companies = Number((await one<{ n: string }>(h, `SELECT count(*) n FROM companies`)).n);
    expect(jobsBefore - (await salesforceLimits(sf.url)).DailyBulkApiBatches.Remaining).toBe(companies > 10 ? 2 : 1);

    const inSalesforce = (await (await fetch(`${sf.url}/_emulator/records/Contact`)).json()) as Array<Record<string, unknown>>;
    expect(inSalesforce).toHaveLength(PEOPLE - 1);
    const links = (await h.db.dataSource.query(`SELECT record_id, remote_id FROM source_links WHERE connection_id = $1 AND record_kind = 'CONTACT'`, [sfId])) as Array<{ record_id: string; remote_id: string }>;
    expect(links).toHaveLength(PEOPLE - 1);
    const byJunctionId = new Map(inSalesforce.map((c) => [c.Junction_Id__c, c.Id]));
    for (const l of links) expect(byJunctionId.get(l.record_id)).toBe(l.remote_id);

    const failedRow = await one<{ attempts: number; last_error: string; delivered_at: Date | null }>(h, `SELECT attempts, last_error, delivered_at FROM outbox WHERE connection_id = $1 AND record_id = $2`, [sfId, refused.id]);
    expect(failedRow.attempts).toBe(1);
    expect(failedRow.last_error).toMatch(/Title/);
    // A validation failure is final for that record: it waits for a fix, not for a retry.
    expect(failedRow.delivered_at).not.toBeNull();
    const logged = await one<{ code: string; error_class: string; record_ids: string[] }>(h, `SELECT code, error_class, record_ids FROM sync_errors WHERE connection_id = $1`, [sfId]);
    expect(logged).toMatchObject({ code: 'STRING_TOO_LONG', error_class: 'VALIDATION', record_ids: [refused.id] });

    // Read back: Junction's own writes are recognised, nothing echoes to HubSpot.
    const again = await h.sync('SALESFORCE');
    expect(again.recordsWritten).toBe(0);
    expect(Number((await one<{ n: string }>(h, `SELECT count(*) n FROM outbox WHERE delivered_at IS NULL AND connection_id = $1`, [h.connectionIds.get('HUBSPOT')])).n)).toBe(0);
  });
});
