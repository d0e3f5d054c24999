/**
 * Issue 14 finding 9: a captured HubSpot notification replayed with its headers re-spelled —
 * the signature unpadded, in the base64url alphabet, with a space inside or spare bits set;
 * the timestamp as `0ts`, `+ts`, `ts.0` or hex — passed 9 of 10 times, each queuing a run.
 * Each variant is now refused (non-canonical) or recognised as the replay it is, and only the
 * original delivery is recorded.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotWebhooks } from '../../src/system/hubspot/webhook-verifier';
import { SANDBOX } from '../support/sync-harness';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver('HUBSPOT');
});
afterAll(async () => receiver?.close());

const sign = (body: string, timestamp: string) => createHmac('sha256', SANDBOX.clientSecret).update(`POST${receiver.url}${body}${timestamp}`).digest('base64');
const post = (body: string, timestamp: string, signature: string) =>
  fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp, 'x-hubspot-signature-v3': signature }, body });

/** A body whose signature has both `+` and `/` in it, so the base64url re-spelling really differs. */
function capturedDelivery(): { body: string; timestamp: string; signature: string } {
  const timestamp = String(Date.now());
  for (let eventId = 1; ; eventId++) {
    const body = JSON.stringify([{ eventId, subscriptionType: 'contact.propertyChange', objectId: 1, occurredAt: Number(timestamp) }]);
    const signature = sign(body, timestamp);
    if (/\+/.test(signature) && /\//.test(signature)) return { body, timestamp, signature };
  }
}

/** The same 32 bytes, spelled with one of the two spare bits of the last character set. */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const spareBitsSet = (sig: string) => sig.slice(0, 42) + BASE64[BASE64.indexOf(sig[42]!) ^ 1] + sig.slice(43);

describe('HubSpot replays with re-spelled headers', () => {
  it('refuses every re-encoding of the signature and timestamp, or recognises it as a replay; none queues a run', async () => {
    const { body, timestamp, signature } = capturedDelivery();
    expect((await post(body, timestamp, signature)).status).toBe(204);

    const variants: Array<[string, string, string]> = [
      ['signature without padding', timestamp, signature.replace(/=+$/, '')],
      ['signature in the base64url alphabet', timestamp, signature.replace(/\+/g, '-').replace(/\//g, '_')],
      ['signature with a space inside', timestamp, `${signature.slice(0, 20)} ${signature.slice(20)}`],
      ['signature with a spare bit set', timestamp, spareBitsSet(signature)],
      ['signature with extra padding', timestamp, `${signature}=`],
      ['timestamp with a leading zero', `0${timestamp}`, signature],
      ['timestamp with a plus sign', `+${timestamp}`, signature],
      ['timestamp with a decimal point', `${timestamp}.0`, signature],
      ['timestamp in hex', `0x${Number(timestamp).toString(16)}`, signature],
      ['the very same delivery', timestamp, signature],
    ];
    const answers: Record<string, number> = {};
    for (const [name, ts, sig] of variants) answers[name] = (await post(body, ts, sig)).status;
    console.log(answers);
    for (const [name, status] of Object.entries(answers)) expect([name, [401, 409].includes(status)]).toEqual([name, true]);
    expect(answers['the very same delivery']).toBe(409);

    const [{ n }] = (await receiver.db.dataSource.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE $1`, [`webhook:${receiver.connectionId}:%`])) as Array<{ n: number }>;
    expect(n).toBe(1);
    const rejected = receiver.api.logLines.filter((l) => l.includes('change notification rejected')).join('\n');
    expect(rejected).toMatch(/non-canonical X-HubSpot-Signature-v3/);
    expect(rejected).toMatch(/non-canonical X-HubSpot-Request-Timestamp/);
  });

  it('keys a delivery on the signature’s bytes and the numeric timestamp, however they are spelled', () => {
    const { body, timestamp, signature } = capturedDelivery();
    const id = (ts: string, sig: string) => hubspotWebhooks.deliveryId({ method: 'POST', url: receiver.url, rawBody: body, headers: { 'x-hubspot-request-timestamp': ts, 'x-hubspot-signature-v3': sig } });
    const canonical = id(timestamp, signature);
    expect(id(`+${timestamp}`, signature.replace(/=+$/, ''))).toBe(canonical);
    expect(id(`${timestamp}.0`, signature.replace(/\+/g, '-').replace(/\//g, '_'))).toBe(canonical);
    expect(id(timestamp, sign(body, String(Number(timestamp) + 1)))).not.toBe(canonical);
  });
});
