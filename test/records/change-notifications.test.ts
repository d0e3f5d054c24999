/**
 * Real-time triggers from Salesforce (outbound messages) and Dynamics (Dataverse webhooks):
 * a change made through the vendor's own SDK is announced by the emulator, the notification
 * starts an immediate sync (polling is effectively off: the worker's interval is a minute)
 * and the change reaches HubSpot within 2 s. Notifications with a wrong key or from another
 * org are refused; replays start no second run.
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import type { Connection } from 'jsforce';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher } from '../../src/process/security/credentials-cipher';
import { WebhookService } from '../../src/process/sync/runs/webhook.service';
import { webhookKey, type CrmKind } from '../../src/system';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/junction-process';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { accessToken } from '../support/crms/dynamics';
import { connect } from '../support/crms/salesforce';

delete process.env.http_proxy;
delete process.env.https_proxy;
delete process.env.HTTP_PROXY;
delete process.env.HTTPS_PROXY;

let h: SyncHarness;
let api: Harness;
const receivers = new Map<CrmKind, string>();

beforeAll(async () => {
  h = await startSyncHarness({ seed: 8, crms: ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] });
  for (let i = 0; i < 3; i++) await h.syncAll();
  const webhooks = new WebhookService(h.db.dataSource, h.cipher, h.runs);
  api = await startHarness(h.db, { connections: h.connections, webhooks });
  // The endpoint URLs an admin would paste into the outbound message and the service endpoint.
  for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) receivers.set(kind, (await webhooks.endpointUrl(h.connectionIds.get(kind)!, api.url))!);
  for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) {
    const registered = await fetch(`${h.emulators.get(kind)!.url}/_emulator/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receivers.get(kind) }),
    });
    expect(registered.status).toBe(201);
  }
  // The worker schedules one run per connection as it starts; let those (and the runs for the
  // changes they queued) finish, so what follows can only be started by a notification.
  const before = await totalRuns();
  h.worker.start();
  await waitFor(settled(before + 3), (done) => done, 30_000, 'the start-up runs');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await waitFor(settled(before + 3), (done) => done, 30_000, 'the follow-up runs');
});

async function totalRuns(): Promise<number> {
  const [row] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = ANY($1)`, [
    [...h.connectionIds.values()],
  ])) as Array<{ n: number }>;
  return row!.n;
}

/** At least `atLeast` runs exist and none is queued or running. */
function settled(atLeast: number): () => Promise<boolean> {
  return async () => {
    const [row] = (await h.db.dataSource.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status IN ('QUEUED', 'RUNNING'))::int AS pending FROM sync_runs WHERE connection_id = ANY($1)`,
      [[...h.connectionIds.values()]],
    )) as Array<{ n: number; pending: number }>;
    return row!.n >= atLeast && row!.pending === 0;
  };
}
afterAll(async () => {
  await api?.close();
  await h?.close();
});

/** A unified person linked in `kind` (as `remoteType`) and in HubSpot. */
async function linkedPerson(kind: CrmKind, remoteType: string): Promise<{ remoteId: string; hubspotId: string }> {
  const rows = (await h.db.dataSource.query(
    `SELECT s.remote_id, hs.remote_id AS hubspot_id FROM source_links s JOIN source_links hs ON hs.record_id = s.record_id AND hs.connection_id = $2 AND hs.remote_type = 'contacts'
      WHERE s.connection_id = $1 AND s.remote_type = $3 ORDER BY s.remote_id LIMIT 1`,
    [h.connectionIds.get(kind), h.connectionIds.get('HUBSPOT'), remoteType],
  )) as Array<{ remote_id: string; hubspot_id: string }>;
  expect(rows).toHaveLength(1);
  return { remoteId: rows[0]!.remote_id, hubspotId: rows[0]!.hubspot_id };
}

async function hubspotTitle(hubspotId: string): Promise<string | null | undefined> {
  const records = (await (await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{
    id: string;
    properties: Record<string, string | null>;
  }>;
  return records.find((r) => r.id === hubspotId)?.properties.jobtitle;
}

async function runsOf(kind: CrmKind): Promise<number> {
  const [row] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1`, [h.connectionIds.get(kind)])) as Array<{
    n: number;
  }>;
  return row!.n;
}

const rejectedLines = () => api.logLines.filter((l) => l.includes('change notification rejected'));

describe('endpoint URLs', () => {
  it('carry the connection key in the parameter each vendor uses', () => {
    const sfId = h.connectionIds.get('SALESFORCE')!;
    const dvId = h.connectionIds.get('DYNAMICS')!;
    expect(receivers.get('SALESFORCE')).toBe(`${api.url}/webhooks/${sfId}?key=${webhookKey(SANDBOX.clientSecret, sfId)}`);
    expect(receivers.get('DYNAMICS')).toBe(`${api.url}/webhooks/${dvId}?code=${webhookKey(SANDBOX.clientSecret, dvId)}`);
  });

  // A second process needs a second session: the embedded test store (PGlite's socket server) serves one, held by this file.
  it.skipIf(inject('embeddedDatabase'))('`npm run webhook-url` prints one for an operator (PostgreSQL only)', async () => {
    const masterKey = 'c'.repeat(64);
    const connections = new ConnectionService(h.db.dataSource, new CredentialsCipher(masterKey));
    const { id } = await connections.create({
      name: 'Dataverse for the script',
      kind: 'DYNAMICS',
      baseUrl: h.emulators.get('DYNAMICS')!.url,
      credentials: SANDBOX,
    });
    await connections.close();
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['-r', './scripts/register.cjs', 'scripts/webhook-url.ts', ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: inject('databaseUrl'), JUNCTION_MASTER_KEY: masterKey, LOG_LEVEL: 'silent' },
      });
    const printed = run([id, 'https://junction.example.com/']);
    expect(printed.stderr).toBe('');
    expect(printed.status).toBe(0);
    expect(printed.stdout.trim()).toBe(`https://junction.example.com/webhooks/${id}?code=${webhookKey(SANDBOX.clientSecret, id)}`);
    // Junction's worker holds another master key: this connection is for the script only.
    await h.db.dataSource.query(`UPDATE connections SET enabled = false WHERE id = $1`, [id]);
    const unknown = run(['00000000-0000-0000-0000-000000000000', 'https://junction.example.com']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no connection/);
  });
});

describe('Salesforce outbound messages', () => {
  let conn: Connection;
  beforeAll(() => {
    conn = connect(h.emulators.get('SALESFORCE')!.url);
  });

  it('a change made with jsforce reaches HubSpot within 2 s through the outbound message', async () => {
    const person = await linkedPerson('SALESFORCE', 'Contact');
    await waitFor(settled(0), (done) => done, 30_000, 'runs started earlier');
    const started = Date.now();
    const saved = await conn.sobject('Contact').update({ Id: person.remoteId, Title: 'Outbound Listener' });
    expect(saved.success).toBe(true);
    const title = await waitFor(
      () => hubspotTitle(person.hubspotId),
      (t) => t === 'Outbound Listener',
      5_000,
      'the title in HubSpot',
    );
    expect(title).toBe('Outbound Listener');
    const elapsed = Date.now() - started;
    console.log(`Salesforce outbound message → HubSpot: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(2_000);
    expect(api.logLines.some((l) => l.includes('change notification accepted') && l.includes('"Contact"'))).toBe(true);
  });

  const orgId = '00D5g000004ORGAEAW';
  const message = (notificationId: string, org = orgId) =>
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
    `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${org}</OrganizationId><ActionId>04k5g00000CONTAAAA</ActionId><SessionId xsi:nil="true"/>` +
    `<EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/59.0</EnterpriseUrl><PartnerUrl>https://example.my.salesforce.com/services/Soap/u/59.0</PartnerUrl>` +
    `<Notification><Id>${notificationId}</Id><sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0035g0000000001AAA</sf:Id><sf:Title>X</sf:Title></sObject></Notification>` +
    `</notifications></soapenv:Body></soapenv:Envelope>`;
  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body });

  it('refuses a wrong key and another org, acknowledges a replay without a second run, and logs them', async () => {
    const receiver = receivers.get('SALESFORCE')!;
    const before = rejectedLines().length;
    const wrongKey = receiver.replace(/key=[^&]+/, 'key=forged-key');
    expect((await post(wrongKey, message('04l5g00000TEST1AAA'))).status).toBe(401);
    expect((await post(receiver.replace(/\?.*$/, ''), message('04l5g00000TEST1AAA'))).status).toBe(401);
    expect((await post(receiver, message('04l5g00000TEST1AAA', '00D5g000009OTHERAA'))).status).toBe(401);

    const accepted = await post(receiver, message('04l5g00000TEST2AAA'));
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await accepted.text()).toMatch(
      /<notificationsResponse xmlns="http:\/\/soap.sforce.com\/2005\/09\/outbound"><Ack>true<\/Ack><\/notificationsResponse>/,
    );
    const runsBefore = await runsOf('SALESFORCE');
    const replay = await post(receiver, message('04l5g00000TEST2AAA'));
    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain('<Ack>true</Ack>');
    expect(await runsOf('SALESFORCE')).toBe(runsBefore);

    const rejected = rejectedLines().slice(before).join('\n');
    expect(rejectedLines().length - before).toBe(3);
    expect(rejected).toMatch(/endpoint key does not match/);
    expect(rejected).toMatch(/OrganizationId is not the connection’s org/);
    expect(api.logLines.some((l) => l.includes('replay acknowledged'))).toBe(true);
    const key = new URL(receiver).searchParams.get('key')!;
    expect(api.logLines.join('\n')).not.toContain(key);
    expect(api.logLines.join('\n')).not.toContain(SANDBOX.clientSecret);
  });
});

describe('Dataverse webhooks', () => {
  let dwa: DynamicsWebApi;
  beforeAll(() => {
    const emu = h.emulators.get('DYNAMICS')!;
    dwa = new DynamicsWebApi({ serverUrl: emu.url, dataApi: { version: '9.2' }, onTokenRefresh: () => accessToken(emu) });
  });

  it('a change made with dynamics-web-api reaches HubSpot within 2 s through the webhook', async () => {
    const person = await linkedPerson('DYNAMICS', 'contacts');
    await waitFor(settled(0), (done) => done, 30_000, 'runs started earlier');
    const started = Date.now();
    await dwa.update({ collection: 'contacts', key: person.remoteId, data: { jobtitle: 'Webhook Keeper' } });
    const title = await waitFor(
      () => hubspotTitle(person.hubspotId),
      (t) => t === 'Webhook Keeper',
      5_000,
      'the title in HubSpot',
    );
    expect(title).toBe('Webhook Keeper');
    const elapsed = Date.now() - started;
    console.log(`Dataverse webhook → HubSpot: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(2_000);
    expect(api.logLines.some((l) => l.includes('change notification accepted') && l.includes('"contacts"'))).toBe(true);
  });

  const context = (operationId: string) =>
    JSON.stringify({
      CorrelationId: '3f1c2b4a-0000-4000-8000-000000000001',
      MessageName: 'Update',
      OperationId: operationId,
      PrimaryEntityId: '9b6a3c1e-0000-4000-8000-000000000002',
      PrimaryEntityName: 'contact',
      RequestId: '7d2e1f3a-0000-4000-8000-000000000003',
      Stage: 40,
    });
  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('refuses a wrong or missing key and a replayed delivery, and logs them', async () => {
    const receiver = receivers.get('DYNAMICS')!;
    const before = rejectedLines().length;
    const body = context('c0ffee00-0000-4000-8000-000000000004');
    expect((await post(receiver.replace(/code=[^&]+/, 'code=forged'), body)).status).toBe(401);
    expect((await post(receiver.replace(/\?.*$/, ''), body)).status).toBe(401);
    // Another connection's key (a Salesforce connection's) does not open this one.
    const otherKey = webhookKey(SANDBOX.clientSecret, h.connectionIds.get('SALESFORCE')!);
    expect((await post(receiver.replace(/code=[^&]+/, `code=${otherKey}`), body)).status).toBe(401);
    expect((await post(receiver, body)).status).toBe(204);
    const runsBefore = await runsOf('DYNAMICS');
    expect((await post(receiver, body)).status).toBe(409);
    expect(await runsOf('DYNAMICS')).toBe(runsBefore);

    const rejected = rejectedLines().slice(before).join('\n');
    expect(rejectedLines().length - before).toBe(4);
    expect(rejected).toMatch(/webhook key \(code\) does not match/);
    expect(rejected).toMatch(/replayed delivery/);
    expect(api.logLines.join('\n')).not.toContain(new URL(receiver).searchParams.get('code')!);
  });
});
