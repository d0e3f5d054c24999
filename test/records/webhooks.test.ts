/**
 * Real-time triggers: HubSpot's signed change notification starts an immediate sync and the
 * change reaches Salesforce within 2 s; forged, stale and replayed notifications are refused.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookService } from '../../src/process/sync/runs/webhook.service';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/junction-process';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';

describe('HubSpot change notifications', () => {
  let h: SyncHarness;
  let api: Harness;
  let receiver: string;

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 8, crms: ['SALESFORCE', 'HUBSPOT'] });
    for (let i = 0; i < 3; i++) await h.syncAll();
    api = await startHarness(h.db, { connections: h.connections, webhooks: new WebhookService(h.db.dataSource, h.cipher, h.runs) });
    receiver = `${api.url}/webhooks/${h.connectionIds.get('HUBSPOT')}`;
    const registered = await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: receiver }) });
    expect(registered.status).toBe(201);
    h.worker.start();
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('a signed notification makes the change appear in Salesforce within 2 s', async () => {
    const row = (await h.db.dataSource.query(
      `SELECT l.remote_id, c.id FROM source_links l JOIN contacts c ON c.id = l.record_id WHERE l.connection_id = $1 AND l.remote_type = 'contacts' LIMIT 1`,
      [h.connectionIds.get('HUBSPOT')],
    )) as Array<{ remote_id: string; id: string }>;
    const hs = (await h.connections.get(h.connectionIds.get('HUBSPOT')!))!;
    const started = Date.now();
    const [written] = await h.connections.adapterFor(hs).upsert('contacts', [{ remoteId: row[0]!.remote_id, junctionId: row[0]!.id, fields: { jobtitle: 'Webhook Wrangler' } }]);
    expect(written!.ok).toBe(true);
    const sfLink = (await h.db.dataSource.query(`SELECT remote_id, remote_type FROM source_links WHERE record_id = $1 AND connection_id = $2`, [row[0]!.id, h.connectionIds.get('SALESFORCE')])) as Array<{
      remote_id: string;
      remote_type: string;
    }>;
    const sfUrl = h.emulators.get('SALESFORCE')!.url;
    const title = await waitFor(
      async () => {
        const records = (await (await fetch(`${sfUrl}/_emulator/records/${sfLink[0]!.remote_type}`)).json()) as Array<{ Id: string; Title: string | null }>;
        return records.find((r) => r.Id === sfLink[0]!.remote_id)?.Title;
      },
      (t) => t === 'Webhook Wrangler',
      5_000,
      'the title in Salesforce',
    );
    expect(title).toBe('Webhook Wrangler');
    const elapsed = Date.now() - started;
    console.log(`webhook → Salesforce: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(2_000);
  });

  const post = (body: string, headers: Record<string, string>) => fetch(receiver, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const sign = (body: string, timestamp: number, secret = SANDBOX.clientSecret) => createHmac('sha256', secret).update(`POST${receiver}${body}${timestamp}`).digest('base64');

  it('refuses forged, stale and replayed notifications, and logs them', async () => {
    const body = JSON.stringify([{ eventId: 1, subscriptionType: 'contact.propertyChange', objectId: 1, occurredAt: Date.now() }]);
    const now = Date.now();
    expect((await post(body, { 'x-hubspot-request-timestamp': String(now), 'x-hubspot-signature-v3': sign(body, now, 'not-the-secret') })).status).toBe(401);
    const old = now - 10 * 60_000;
    expect((await post(body, { 'x-hubspot-request-timestamp': String(old), 'x-hubspot-signature-v3': sign(body, old) })).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    const good = { 'x-hubspot-request-timestamp': String(now), 'x-hubspot-signature-v3': sign(body, now) };
    expect((await post(body, good)).status).toBe(204);
    expect((await post(body, good)).status).toBe(409);
    const rejected = api.logLines.filter((l) => l.includes('change notification rejected'));
    expect(rejected.length).toBe(4);
    expect(rejected.join('\n')).toMatch(/signature does not match/);
    expect(rejected.join('\n')).toMatch(/stale timestamp/);
    expect(rejected.join('\n')).toMatch(/replayed delivery/);
    expect(rejected.join('\n')).not.toContain(SANDBOX.clientSecret);
  });
});
