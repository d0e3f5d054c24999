/** Helpers for observability tests: a graphql-ws event collector, a signed-webhook receiver, polling. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Collector<T> {
  events: T[];
  client: Client;
  close(): Promise<void>;
}

/** Subscribes once and keeps every event's data (errors fail the test at the next assertion). */
export function collect<T>(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Collector<T> {
  const client = createClient({ url: url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, retryAttempts: 0 });
  const events: T[] = [];
  const errors: unknown[] = [];
  client.subscribe<T>({ query, variables }, {
    next: (v) => (v.errors ? errors.push(v.errors) : events.push(v.data as T)),
    error: (e) => errors.push(e),
    complete: () => undefined,
  });
  return {
    events,
    client,
    async close() {
      await client.dispose();
      if (errors.length) throw new Error(`subscription errors: ${JSON.stringify(errors)}`);
    },
  };
}

export interface WebhookDelivery {
  event: string;
  body: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Deliveries whose signature verified. */
  received: WebhookDelivery[];
  /** Requests that arrived with a missing or wrong signature. */
  rejected: number;
  /** Answer 503 to this many requests first (to exercise retries). */
  failNext: number;
  requests: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret = 'test-webhook-secret-0123456789'): Promise<WebhookReceiver> {
  const state = { received: [] as WebhookDelivery[], rejected: 0, failNext: 0, requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      if (receiver.failNext > 0) {
        receiver.failNext--;
        res.writeHead(503).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-junction-signature'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        receiver.rejected++;
        res.writeHead(401).end();
        return;
      }
      receiver.received.push({ event: String(req.headers['x-junction-event']), body: JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/junction`,
    secret,
    get received() { return state.received; },
    get rejected() { return state.rejected; },
    set rejected(v) { state.rejected = v; },
    get failNext() { return state.failNext; },
    set failNext(v) { state.failNext = v; },
    get requests() { return state.requests; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return receiver;
}
