/**
 * The emulator's Dataverse webhooks, as a receiver sees them: each Create, Update and Delete
 * made with dynamics-web-api arrives as a RemoteExecutionContext POSTed to the registered URL,
 * its WebhookKey still in `?code=`, and Junction's check (dataverseWebhooks) accepts it.
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataverseWebhooks } from '../../../src/system/dynamics/webhook-verifier';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { webhookKey } from '../../../src/system/webhook-key';
import { waitFor } from '../../support/junction-process';
import { accessToken, startEmulator } from '../../support/crms/dynamics';

interface Delivery {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const SECRET = 'sandbox-secret';
let emu: RunningEmulator;
let listener: Server;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  listener = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      deliveries.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/webhooks/conn-1?code=${webhookKey(SECRET, 'conn-1')}`;
  const registered = await fetch(`${emu.url}/_emulator/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  expect(registered.status).toBe(201);
});
afterAll(async () => {
  await emu?.close();
  await new Promise((resolve) => listener?.close(resolve));
});

describe('Dataverse emulator webhooks', () => {
  it('posts a RemoteExecutionContext per Create, Update and Delete, which Junction’s check accepts', async () => {
    const dwa = new DynamicsWebApi({ serverUrl: emu.url, dataApi: { version: '9.2' }, onTokenRefresh: () => accessToken(emu) });
    const contactid = String(await dwa.create({ collection: 'contacts', data: { firstname: 'Wendy', lastname: 'Hook' } }));
    await dwa.update({ collection: 'contacts', key: contactid, data: { jobtitle: 'Receiver' } });
    await dwa.deleteRecord({ collection: 'contacts', key: contactid });
    const got = await waitFor(
      async () => deliveries.slice(),
      (d) => d.length >= 3,
      5_000,
      'three webhook deliveries',
    );
    const contexts = got.map((d) => JSON.parse(d.body) as Record<string, unknown>);
    expect(contexts.map((c) => c.MessageName)).toEqual(['Create', 'Update', 'Delete']);
    for (const [i, c] of contexts.entries()) {
      expect(c).toMatchObject({ PrimaryEntityName: 'contact', PrimaryEntityId: contactid, Stage: 40, Mode: 1 });
      expect(new Set([c.CorrelationId, c.OperationId, c.RequestId]).size).toBe(3);
      expect(got[i]!.headers['x-ms-dynamics-entity-name']).toBe('contact');
      expect(got[i]!.headers['x-ms-dynamics-request-name']).toBe(c.MessageName);
      const verdict = dataverseWebhooks.verify(
        { method: 'POST', url: got[i]!.url, rawBody: got[i]!.body, headers: {} },
        { connectionId: 'conn-1', clientSecret: SECRET },
        Date.now(),
      );
      expect(verdict).toEqual({ ok: true, remoteTypes: ['contacts'] });
    }
    const update = contexts[1]!.InputParameters as Array<{ key: string; value: { Attributes: Array<{ key: string; value: unknown }> } }>;
    expect(update[0]!.value.Attributes).toContainEqual({ key: 'jobtitle', value: 'Receiver' });
    // Each delivery names itself: three deliveries, three delivery ids.
    expect(new Set(got.map((d) => dataverseWebhooks.deliveryId({ method: 'POST', url: d.url, rawBody: d.body, headers: {} }))).size).toBe(3);
    const wrongKey = dataverseWebhooks.verify(
      { method: 'POST', url: got[0]!.url, rawBody: got[0]!.body, headers: {} },
      { connectionId: 'conn-2', clientSecret: SECRET },
      Date.now(),
    );
    expect(wrongKey.ok).toBe(false);
  });
});
