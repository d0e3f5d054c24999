/**
 * Issue 14 finding 3: hostile SOAP bodies. A 960 KB body of repeated unclosed
 * `<OrganizationId ` tags made the outbound-message check's regexes backtrack for 34 s with
 * the event loop blocked. Posted to the real webhook route (with the connection's key, as an
 * insider or a leaked URL would), it is now refused at once while the loop stays responsive,
 * and a real outbound message still gets its Ack. The Salesforce emulator's SOAP route
 * (convertLead) reads its body with the same bounded reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookKey, type RunningEmulator } from '../../src/system';
import { salesforce } from '../../src/system/salesforce';
import { SANDBOX } from '../support/sync-harness';
import { measured } from './loop-delay';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

const ORG = '00D5g000004XyZaEAK';
const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
  '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">';
const TARGET_BYTES = 960 * 1024;
const repeatTo = (prefix: string, unit: string) => prefix + unit.repeat(Math.floor((TARGET_BYTES - prefix.length) / unit.length));

let receiver: WebhookReceiver;
let endpoint: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver('SALESFORCE', { organizationId: ORG });
  endpoint = `${receiver.url}?key=${webhookKey(SANDBOX.clientSecret, receiver.connectionId)}`;
});
afterAll(async () => receiver?.close());

const post = (body: string) => fetch(endpoint, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body });

describe('Salesforce outbound messages: hostile bodies', () => {
  const attacks = {
    'repeated unclosed <OrganizationId tags (the review’s body)': repeatTo(HEAD, '<OrganizationId '),
    'unclosed <Notification> blocks': repeatTo(HEAD, '<Notification><Id>04l'),
    'tags nested 60,000 deep': repeatTo(HEAD, '<OrganizationId>'),
    'an entity declared in a DTD (billion laughs)': `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${HEAD}<OrganizationId>&b;</OrganizationId></notifications></soapenv:Body></soapenv:Envelope>`,
  };

  for (const [name, body] of Object.entries(attacks)) {
    it(`refuses ${name} within 2 s, the event loop never stalling 500 ms`, async () => {
      const { value: res, ms, maxLoopDelayMs } = await measured(() => post(body));
      console.log(`${name}: ${body.length} bytes refused in ${ms.toFixed(0)} ms, longest loop stall ${maxLoopDelayMs.toFixed(0)} ms`);
      expect(res.status).toBe(401);
      expect(ms).toBeLessThan(2_000);
      expect(maxLoopDelayMs).toBeLessThan(500);
    });
  }

  it('still acknowledges a real outbound message (and the refusals were logged with their reason)', async () => {
    const message =
      `${HEAD}<OrganizationId>${ORG}</OrganizationId><ActionId>04k5g00000CONTAAAA</ActionId><SessionId xsi:nil="true"/>` +
      `<Notification><Id>04l5g00000ABCDEAAA</Id><sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>0035g00000ABCDEAAA</sf:Id></sObject></Notification>` +
      `</notifications></soapenv:Body></soapenv:Envelope>`;
    const res = await post(message);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Ack>true</Ack>');
    const rejected = receiver.api.logLines.filter((l) => l.includes('change notification rejected')).join('\n');
    expect(rejected).toMatch(/not well-formed XML within bounds \(nested deeper than 32 elements\)/);
    expect(rejected).toMatch(/a DTD is not allowed/);
  });
});

describe('Salesforce emulator SOAP route: hostile bodies', () => {
  let emulator: RunningEmulator;
  let session: string;

  beforeAll(async () => {
    emulator = await salesforce.startEmulator({ port: 0, provisioned: true });
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret, refresh_token: SANDBOX.refreshToken });
    const token = (await (await fetch(`${emulator.url}/services/oauth2/token`, { method: 'POST', body: form })).json()) as { access_token: string };
    session = token.access_token;
  });
  afterAll(async () => emulator?.close());

  it('answers 960 KB of unclosed <leadConverts> with a fault within 2 s, the loop never stalling 500 ms', async () => {
    const head = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><SessionHeader><sessionId>${session}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><convertLead>`;
    const body = repeatTo(head, '<leadConverts><leadId>00Q');
    const { value: res, ms, maxLoopDelayMs } = await measured(() =>
      fetch(`${emulator.url}/services/Soap/u/59.0`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: '""' }, body }),
    );
    console.log(`convertLead: ${body.length} bytes answered in ${ms.toFixed(0)} ms, longest loop stall ${maxLoopDelayMs.toFixed(0)} ms`);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('<faultcode>sf:INVALID_XML</faultcode>');
    expect(ms).toBeLessThan(2_000);
    expect(maxLoopDelayMs).toBeLessThan(500);
  });
});
