/**
 * 4. Fan-out: 1,000 graphql-ws subscribers to HealthChanged on Junction's real server (pub/sub
 * over Redis), delivery time of one published event to every subscriber, against a bare
 * graphql-ws server publishing the same payload in-process.
 */
import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPubSub } from '@graphql-yoga/subscription';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { TOPICS } from '../../src/process/events';
import { createBenchDatabase, REDIS_URL } from '../support/db';
import { startJunctionServer } from '../support/junction-server';
import { fmt, percentile, sleep, type ResultRow } from '../support/measure';

const HEALTH_SUBSCRIPTION = `subscription { healthChanged { status generatedAt window quarantineSize successRate recordSuccessRate syncLatencyP50Ms syncLatencyP95Ms connections { connection { id name } status } errorsByClass { errorClass count } } }`;

interface Subscribers {
  clients: Client[];
  /** Resolves with each subscriber's receipt time (performance.now()) of the next event. */
  nextDelivery(timeoutMs: number): Promise<number[]>;
  firstPayload(): unknown;
  close(): Promise<void>;
}

async function subscribe(url: string, query: string, n: number, auth?: string): Promise<Subscribers> {
  const clients: Client[] = [];
  let times: number[] = [];
  let waiter: (() => void) | undefined;
  let payload: unknown;
  const connected = new Set<number>();
  for (let i = 0; i < n; i++) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      // A connect refused by a busy machine is retried at once rather than waited on.
      retryAttempts: 3,
      retryWait: () => sleep(200),
      connectionParams: auth ? { authorization: `Bearer ${auth}` } : undefined,
      on: { connected: () => void connected.add(i) },
    });
    client.subscribe(
      { query },
      {
        next: (value) => {
          times.push(performance.now());
          payload ??= value;
          if (times.length >= n) waiter?.();
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    clients.push(client);
    if (i % 100 === 99) await sleep(20);
  }
  const t0 = Date.now();
  const deadline = t0 + 20_000;
  while (connected.size < n && Date.now() < deadline) await sleep(50);
  process.stderr.write(`  ${connected.size}/${n} subscribers connected to ${url} in ${Date.now() - t0} ms\n`);
  await sleep(1500); // let every subscribe message reach its server
  return {
    clients,
    nextDelivery(timeoutMs) {
      times = [];
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(times), timeoutMs);
        waiter = () => {
          clearTimeout(t);
          resolve(times);
        };
      });
    },
    firstPayload: () => payload,
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
    },
  };
}

async function startBare(): Promise<{ url: string; publish(payload: string): void; close(): Promise<void> }> {
  // No MaxListenersExceededWarning for the 1,000 listeners (Junction's in-process target does the same).
  const eventTarget = new EventTarget();
  setMaxListeners(0, eventTarget);
  const pubsub = createPubSub<{ health: [string] }>({ eventTarget });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: { healthChanged: { type: GraphQLString, subscribe: () => pubsub.subscribe('health'), resolve: (p: string) => p } },
    }),
  });
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  const disposable = useServer({ schema }, wss);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    publish: (payload) => pubsub.publish('health', payload),
    async close() {
      await disposable.dispose();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

async function measure(subs: Subscribers, publish: () => void, events: number): Promise<{ all: number[]; missed: number; n: number }> {
  const all: number[] = [];
  let missed = 0;
  // Event 0 warms both servers up (first-use compilation of the delivery path) and is not counted.
  for (let e = 0; e <= events; e++) {
    const next = subs.nextDelivery(15_000);
    const t0 = performance.now();
    publish();
    const times = await next;
    process.stderr.write(`  event ${e}${e === 0 ? ' (warm-up)' : ''}: ${times.length}/${subs.clients.length} delivered, last at ${Math.round((times.at(-1) ?? t0) - t0)} ms\n`);
    await sleep(300);
    if (e === 0) continue;
    missed += subs.clients.length - times.length;
    all.push(...times.map((t) => t - t0));
  }
  return { all, missed, n: subs.clients.length };
}

export async function runFanout(n: number, events = 3): Promise<ResultRow[]> {
  const bench = await createBenchDatabase(10);
  try {
    // Three connections, so every delivery carries per-connection rows as a real deployment's does.
    await bench.db.dataSource.query(
      `INSERT INTO connections (name, kind, base_url, api_version, credentials_sealed)
       VALUES ('bench sf', 'SALESFORCE', 'http://127.0.0.1:1', 'v59.0', 'v1:x'), ('bench hs', 'HUBSPOT', 'http://127.0.0.1:2', 'v3', 'v1:x'), ('bench d365', 'DYNAMICS', 'http://127.0.0.1:3', 'v9.2', 'v1:x')`,
    );
    const junction = await startJunctionServer(bench.db.dataSource, REDIS_URL);
    let j: { all: number[]; missed: number; n: number };
    let payload = '';
    try {
      const subs = await subscribe(`${junction.url.replace('http', 'ws')}/graphql`, HEALTH_SUBSCRIPTION, n, junction.viewerKey);
      j = await measure(subs, () => junction.bundle.events.publish(TOPICS.HEALTH_CHANGED, { at: new Date().toISOString() }), events);
      payload = JSON.stringify(subs.firstPayload() ?? {});
      await subs.close();
    } finally {
      await junction.close();
    }
    const bare = await startBare();
    let b: { all: number[]; missed: number; n: number };
    try {
      const subs = await subscribe(bare.url, `subscription { healthChanged }`, n);
      b = await measure(subs, () => bare.publish(payload), events);
      await subs.close();
    } finally {
      await bare.close();
    }
    const jp99 = percentile(j.all, 99);
    const bp99 = percentile(b.all, 99);
    const ratio = jp99 / bp99;
    return [
      {
        scenario: `4 fan-out: ${fmt(n)} graphql-ws subscribers to HealthChanged, ${events} events (delivery ms)`,
        figure: `p50 ${fmt(percentile(j.all, 50))} ms, p99 ${fmt(jp99)} ms${j.missed ? `, ${j.missed} deliveries missing after 15 s` : ''}`,
        baseline: `bare graphql-ws: p50 ${fmt(percentile(b.all, 50))} ms, p99 ${fmt(bp99)} ms${b.missed ? ` (${b.missed} missing)` : ''}`,
        ratio,
        target: 'p99 ≤ 1.5× bare',
        met: ratio <= 1.5 && j.missed === 0,
      },
    ];
  } finally {
    await bench.drop();
  }
}
