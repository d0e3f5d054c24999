import jsforce, { type Connection } from 'jsforce';
import { Client as HubSpotClient } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { SANDBOX, useSyncHarness } from '../support/sync-harness';

async function hubspotClient(url: string): Promise<HubSpotClient> {
  const auth = new HubSpotClient({ basePath: url });
  const token = await auth.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
  return new HubSpotClient({ basePath: url, accessToken: token.accessToken, numberOfApiCallRetries: 0 });
}

function salesforceConnection(url: string): Connection {
  return new jsforce.Connection({ oauth2: { clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, loginUrl: url }, instanceUrl: url, refreshToken: SANDBOX.refreshToken, version: '59.0' });
}

describe('two-way sync between Salesforce and HubSpot', () => {
  const SEED = 40;

  const h = useSyncHarness({ seed: SEED, crms: ['SALESFORCE', 'HUBSPOT'] });

  it('links people present in both CRMs to one contact with two sources', async () => {
    const runs = await h.syncAll();
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // 25 % of each CRM's people are shared: 40 + 40 − 10 distinct people.
    const shared = Math.floor(SEED * 0.25);
    expect(await h.count(`SELECT count(*) n FROM contacts WHERE merged_into IS NULL`)).toBe(2 * SEED - shared);
    expect(await h.count(`SELECT count(*) n FROM (SELECT record_id FROM source_links WHERE record_kind = 'CONTACT' GROUP BY record_id HAVING count(DISTINCT connection_id) = 2) x`)).toBeGreaterThanOrEqual(shared);
    // No email twice in the store.
    expect(await h.count(`SELECT count(*) n FROM (SELECT email FROM contacts GROUP BY email HAVING count(*) > 1) x`)).toBe(0);
  });

  it('converges: after two rounds every contact is in both CRMs and the next round writes nothing', async () => {
    await h.syncAll();
    const contacts = await h.count(`SELECT count(*) n FROM contacts WHERE merged_into IS NULL`);
    expect(await h.count(`SELECT count(DISTINCT record_id) n FROM source_links WHERE record_kind = 'CONTACT' AND connection_id = $1`, [h.connectionIds.get('HUBSPOT')])).toBe(contacts);
    expect(await h.count(`SELECT count(DISTINCT record_id) n FROM source_links WHERE record_kind = 'CONTACT' AND connection_id = $1`, [h.connectionIds.get('SALESFORCE')])).toBe(contacts);
    const quiet = await h.syncAll();
    expect(quiet.map((r) => r.recordsWritten)).toEqual([0, 0]);
    expect(await h.count(`SELECT count(*) n FROM outbox WHERE delivered_at IS NULL`)).toBe(0);
  });

  it('a Lead created with jsforce reaches HubSpot, and a HubSpot edit reaches Salesforce, with no echo', async () => {
    const sf = salesforceConnection(h.emulators.get('SALESFORCE')!.url);
    const created = await sf.sobject('Lead').create({ FirstName: 'Grace', LastName: 'Hopper', Email: 'grace.hopper@navy.example.com', Company: 'US Navy', Phone: '+1 202 555 0110' });
    expect(created.success).toBe(true);
    await h.syncAll();
    const hs = await hubspotClient(h.emulators.get('HUBSPOT')!.url);
    const found = await hs.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'grace.hopper@navy.example.com' }] }],
      properties: ['email', 'firstname', 'lastname', 'phone'],
      limit: 10,
      after: '0',
      sorts: [],
    });
    expect(found.results).toHaveLength(1);
    expect(found.results[0]!.properties.phone).toBe('+12025550110');

    await hs.crm.contacts.basicApi.update(found.results[0]!.id, { properties: { jobtitle: 'Rear Admiral' } });
    // Each run pulls, then pushes its own outbox: HubSpot's edit is read in one round, written to Salesforce in the next.
    await h.syncAll();
    await h.syncAll();
    const lead = (await sf.sobject('Lead').retrieve(created.id as string)) as { Title?: string };
    expect(lead.Title).toBe('Rear Admiral');

    const afterEdit = await h.syncAll();
    expect(afterEdit.map((r) => r.recordsWritten)).toEqual([0, 0]);
  });

  it('quarantines malformed and invalid records with classified errors, and goes on', async () => {
    const sfUrl = h.emulators.get('SALESFORCE')!.url;
    const plant = (record: Record<string, unknown>) =>
      fetch(`${sfUrl}/_emulator/records/Contact`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(record) });
    // No Id at all: the adapter cannot even name it (DATA_FORMAT).
    expect((await plant({ FirstName: 'Nameless', LastName: 'Row', Email: 'row@example.com' })).status).toBe(201);
    // A real row that breaks the default rules (VALIDATION).
    expect((await plant({ Id: '003000000000BADAAA', FirstName: 'No', LastName: '', Email: 'not-an-email' })).status).toBe(201);
    const sf = salesforceConnection(sfUrl);
    await sf.sobject('Contact').create({ FirstName: 'Alan', LastName: 'Turing', Email: 'alan.turing@bletchley.example.com' });
    const run = await h.sync('SALESFORCE');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.recordsQuarantined).toBe(2);
    expect(await h.count(`SELECT count(*) n FROM contacts WHERE email = 'alan.turing@bletchley.example.com'`)).toBe(1);
    const q = (await h.db.dataSource.query(`SELECT remote_id, issues, payload FROM quarantine WHERE status = 'PENDING' ORDER BY remote_id NULLS FIRST`)) as Array<{
      remote_id: string | null;
      issues: Array<{ rule: string; field: string; message: string }>;
      payload: Record<string, unknown>;
    }>;
    expect(q.map((r) => r.remote_id)).toEqual([null, '003000000000BADAAA']);
    expect(q[0]!.issues.map((i) => i.rule)).toEqual(['DATA_FORMAT']);
    // The adapter's note says what is wrong, in the issue and beside the payload's fields.
    expect(q[0]!.issues[0]!.message).toMatch(/^malformed Contact record: record has no Id/);
    expect(q[0]!.payload).toMatchObject({ LastName: 'Row', __malformed: expect.stringMatching(/^record has no Id/) });
    expect(q[1]!.payload).not.toHaveProperty('__malformed');
    expect(q[1]!.issues.map((i) => `${i.field}:${i.rule}`).sort()).toEqual(['email:FORMAT', 'lastName:REQUIRED']);
    expect(await h.count(`SELECT count(*) n FROM sync_errors WHERE error_class = 'VALIDATION'`)).toBe(1);
    expect(await h.count(`SELECT count(*) n FROM sync_errors WHERE error_class = 'DATA_FORMAT'`)).toBe(1);
    // Reading the same bad rows again updates their entries instead of adding more.
    await h.db.dataSource.query(`DELETE FROM sync_cursors`);
    await h.sync('SALESFORCE');
    expect(await h.count(`SELECT count(*) n FROM quarantine WHERE remote_id = '003000000000BADAAA'`)).toBe(1);
    expect(await h.count(`SELECT count(*) n FROM quarantine WHERE remote_id IS NULL`)).toBe(1);
  });

  it('a dry run reports planned changes and writes nothing', async () => {
    const sf = salesforceConnection(h.emulators.get('SALESFORCE')!.url);
    await sf.sobject('Lead').create({ FirstName: 'Edsger', LastName: 'Dijkstra', Email: 'edsger@eindhoven.example.com', Company: 'TU/e' });
    const before = await h.count(`SELECT count(*) n FROM contacts`);
    const dry = await h.sync('SALESFORCE', 'INCREMENTAL', true);
    expect(dry.dryRun).toBe(true);
    expect(dry.plannedChanges?.some((c) => c.operation === 'APPLY' && c.fields.email === 'edsger@eindhoven.example.com')).toBe(true);
    expect(await h.count(`SELECT count(*) n FROM contacts`)).toBe(before);
    const real = await h.sync('SALESFORCE');
    expect(real.status).toBe('SUCCEEDED');
    expect(await h.count(`SELECT count(*) n FROM contacts WHERE email = 'edsger@eindhoven.example.com'`)).toBe(1);
  });

  it('a run against an unreachable CRM fails, is recorded with its class, and never says SUCCEEDED', async () => {
    const hsId = h.connectionIds.get('HUBSPOT')!;
    // Pointed elsewhere (create never updates: updateConnection does, and the adapter is built again for the new URL).
    await h.connections.update(hsId, { baseUrl: 'http://127.0.0.1:9' });
    const run = await h.sync('HUBSPOT');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/NETWORK/);
    expect(await h.count(`SELECT count(*) n FROM sync_errors WHERE error_class = 'NETWORK' AND connection_id = $1`, [hsId])).toBe(1);
  });
});
