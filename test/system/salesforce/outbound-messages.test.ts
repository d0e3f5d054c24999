/**
 * The emulator's outbound messages, as a listener sees them: a write made with jsforce arrives
 * as a SOAP `notifications` message naming the org of the token's identity URL, and a message
 * not acknowledged is sent again with the same notification ids. Junction's check of the
 * message (salesforceOutboundMessages) accepts what the emulator sends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { OUTBOUND_ACK, salesforceOutboundMessages } from '../../../src/system/salesforce/webhook-verifier';
import { webhookKey } from '../../../src/system/webhook-key';
import { waitFor } from '../../support/junction-process';
import { SANDBOX, connect, startEmulator } from '../../support/crms/salesforce';

interface Delivery {
  url: string;
  contentType: string | undefined;
  body: string;
}

let emu: RunningEmulator;
let listener: Server;
let listenerUrl: string;
const deliveries: Delivery[] = [];
/** How many deliveries the listener answers with a failure before it acknowledges. */
let failuresLeft = 0;

beforeAll(async () => {
  emu = await startEmulator(3);
  listener = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      deliveries.push({ url: req.url ?? '', contentType: req.headers['content-type'], body });
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': OUTBOUND_ACK.contentType }).end(OUTBOUND_ACK.body);
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/webhooks/conn-1?key=${webhookKey(SANDBOX.clientSecret, 'conn-1')}`;
  const registered = await fetch(`${emu.url}/_emulator/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: listenerUrl }),
  });
  expect(registered.status).toBe(201);
});
afterAll(async () => {
  await emu?.close();
  await new Promise((resolve) => listener?.close(resolve));
});

const notificationIds = (body: string) => [...body.matchAll(/<Notification><Id>(\w+)<\/Id>/g)].map((m) => m[1]);

describe('Salesforce emulator outbound messages', () => {
  it('announces a jsforce update as a SOAP notification of the token’s org, which Junction’s check accepts', async () => {
    const conn = connect(emu.url);
    const [contact] = (await conn.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 1')).records;
    await conn.sobject('Contact').update({ Id: contact!.Id, Title: 'Listener & Co' });
    const [delivery] = await waitFor(
      async () => deliveries.slice(),
      (d) => d.length >= 1,
      5_000,
      'the outbound message',
    );
    expect(delivery!.contentType).toMatch(/^text\/xml/);
    expect(delivery!.body).toContain('<notifications xmlns="http://soap.sforce.com/2005/09/outbound">');
    expect(delivery!.body).toContain(`<OrganizationId>${conn.userInfo!.organizationId}</OrganizationId>`);
    expect(delivery!.body).toMatch(/<ActionId>04k\w{15}<\/ActionId><SessionId xsi:nil="true"\/><EnterpriseUrl>/);
    expect(delivery!.body).toContain(`<sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>${contact!.Id}</sf:Id>`);
    expect(delivery!.body).toContain('<sf:Title>Listener &amp; Co</sf:Title>');
    expect(notificationIds(delivery!.body)).toHaveLength(1);

    const verdict = salesforceOutboundMessages.verify(
      { method: 'POST', url: delivery!.url, rawBody: delivery!.body, headers: {} },
      { connectionId: 'conn-1', clientSecret: SANDBOX.clientSecret, organizationId: conn.userInfo!.organizationId },
      Date.now(),
    );
    expect(verdict).toEqual({ ok: true, remoteTypes: ['Contact'], reply: OUTBOUND_ACK });
    const otherConnection = salesforceOutboundMessages.verify(
      { method: 'POST', url: delivery!.url, rawBody: delivery!.body, headers: {} },
      { connectionId: 'conn-2', clientSecret: SANDBOX.clientSecret, organizationId: conn.userInfo!.organizationId },
      Date.now(),
    );
    expect(otherConnection.ok).toBe(false);
  });

  it('sends a message again, with the same notification ids, until it is acknowledged', async () => {
    deliveries.length = 0;
    failuresLeft = 1;
    const conn = connect(emu.url);
    const created = await conn.sobject('Account').create({ Name: 'Retry Industries' });
    expect(created.success).toBe(true);
    const both = await waitFor(
      async () => deliveries.slice(),
      (d) => d.length >= 2,
      5_000,
      'the retried outbound message',
    );
    expect(both[0]!.body).toContain('xsi:type="sf:Account"');
    expect(notificationIds(both[1]!.body)).toEqual(notificationIds(both[0]!.body));
    expect(failuresLeft).toBe(0);
  });
});
