/**
 * Issue 14, finding 5, against a real server: bad keys never lock out a valid key from the
 * same address, keyless requests are counted and throttled too (in a few rows and log lines,
 * not one per request), and X-Forwarded-For names the client only behind a trusted proxy.
 */
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SecurityOptions } from '../../src/experience/security';
import type { Database } from '../../src/process/store/database';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { openTestDatabase, resetDatabase } from '../support/database';
import { wsRun, type WsOutcome } from './support';

const VIEWER_QUERY = `{ viewer { role } }`;
const badKey = (i: number) => `jk_bad${String(i).padStart(4, '0')}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`;

let db: Database;
let h: Harness | undefined;

beforeAll(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await db?.close();
});

async function start(security: Partial<SecurityOptions> = {}): Promise<Harness> {
  await resetDatabase(db);
  h = await startHarness(db, { security });
  return h;
}

/** POST with an X-Forwarded-For header (what a proxy, or anyone, can send). */
async function gqlVia(forwardedFor: string | undefined, key: string | undefined): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const res = await fetch(`${h!.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: VIEWER_QUERY }) });
  await res.body?.cancel();
  return res.status;
}

/** Opens a graphql-ws socket whose upgrade request carries X-Forwarded-For, runs one query. */
function wsVia(forwardedFor: string, key: string): Promise<WsOutcome> {
  class ForwardedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { 'x-forwarded-for': forwardedFor } });
    }
  }
  const client = createClient({ url: h!.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: ForwardedWebSocket, connectionParams: { authorization: `Bearer ${key}` }, retryAttempts: 0, lazy: true });
  return new Promise<WsOutcome>((resolve) => {
    const done = (o: WsOutcome) => {
      void Promise.resolve(client.dispose()).catch(() => undefined);
      resolve(o);
    };
    client.on('closed', (e) => {
      const code = (e as { code?: number }).code;
      if (code !== 1000) done({ errors: [], closeCode: code });
    });
    client.subscribe({ query: VIEWER_QUERY }, { next: (r) => done({ errors: [], data: r.data }), error: () => undefined, complete: () => undefined });
  });
}

const sourceAddresses = async (): Promise<string[]> => {
  await h!.server.authFailures.flush();
  const rows = (await db.dataSource.query(`SELECT DISTINCT source_address FROM auth_failures ORDER BY 1`)) as Array<{ source_address: string }>;
  return rows.map((r) => r.source_address);
};

describe('a valid key after bad keys from the same address', () => {
  it('ten bad keys, then the ADMIN key answers 200 over HTTP and ws; the bad keys stay throttled', async () => {
    await start(); // the defaults: 10 failures in 300 s
    const admin = await h!.keyFor('ADMIN');
    for (let i = 0; i < 10; i++) expect((await gql(h!.url, VIEWER_QUERY, {}, badKey(i))).status).toBe(401);
    expect((await gql(h!.url, VIEWER_QUERY, {}, badKey(10))).status).toBe(429);

    const ok = await gql<{ viewer: { role: string } }>(h!.url, VIEWER_QUERY, {}, admin);
    expect(ok.status).toBe(200);
    expect(ok.body.data?.viewer.role).toBe('ADMIN');
    expect((await wsRun(h!.url, `Bearer ${admin}`, { query: VIEWER_QUERY })).data).toEqual({ viewer: { role: 'ADMIN' } });

    // Bad keys keep being throttled, before and after the valid one.
    expect((await gql(h!.url, VIEWER_QUERY, {}, badKey(11))).status).toBe(429);
    expect((await wsRun(h!.url, `Bearer ${badKey(12)}`, { query: VIEWER_QUERY })).closeCode).toBe(4429);
    expect((await gql(h!.url, VIEWER_QUERY, {}, 'Basic bm90OmFrZXk=')).status).toBe(429);
    expect((await gql(h!.url, VIEWER_QUERY, {}, admin)).status).toBe(200);
  });
});

describe('keyless requests', () => {
  it('1,000 of them are all counted and throttled past the limit, in a few rows and warn lines', async () => {
    await start();
    const before = h!.server.authFailures.total;
    const statuses: number[] = [];
    // The first ten one by one (each is counted when its protected field is refused), then in parallel.
    for (let i = 0; i < 10; i++) statuses.push((await gql(h!.url, `{ connections { id } }`)).status);
    for (let sent = 10; sent < 1000; sent += 30) {
      const batch = Array.from({ length: Math.min(30, 1000 - sent) }, () => gql(h!.url, `{ connections { id } }`));
      statuses.push(...(await Promise.all(batch)).map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(990);
    expect(h!.server.authFailures.total - before).toBe(1000);
    expect((await wsRun(h!.url, undefined, { query: `subscription { syncRunUpdated { id } }` })).closeCode).toBe(4429);

    await h!.server.authFailures.flush();
    const rows = (await db.dataSource.query(`SELECT reason, transport, count FROM auth_failures WHERE transport = 'http' ORDER BY id`)) as Array<{ reason: string; count: number }>;
    expect(rows.length).toBeLessThanOrEqual(4);
    const byReason = (reason: string) => rows.filter((r) => r.reason === reason).reduce((n, r) => n + r.count, 0);
    expect({ MISSING: byReason('MISSING'), THROTTLED: byReason('THROTTLED') }).toEqual({ MISSING: 10, THROTTLED: 990 });
    const warned = h!.logLines.filter((l) => l.includes('authentication failed') && l.includes('"transport":"http"'));
    expect(warned.length).toBeLessThanOrEqual(4);
    expect(warned.some((l) => l.includes('"repeats":989'))).toBe(true);

    // A valid key from the same address is still let in.
    expect((await gql(h!.url, VIEWER_QUERY, {}, await h!.keyFor('VIEWER'))).status).toBe(200);
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored when the peer is not a trusted proxy: a guesser cannot dodge the throttle by naming other clients', async () => {
    await start({ authThrottle: { maxFailures: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect(await gqlVia(`203.0.113.${i + 1}`, badKey(i))).toBe(401);
    expect(await gqlVia('198.51.100.9', badKey(3))).toBe(429);
    expect((await wsVia('198.51.100.10', badKey(4))).closeCode).toBe(4429);
    expect(await sourceAddresses()).toEqual(['127.0.0.1']);
  });

  it('names the client behind a trusted proxy: that client is throttled, other clients behind the proxy are not', async () => {
    await start({ authThrottle: { maxFailures: 3, windowMs: 60_000 }, trustedProxies: ['127.0.0.1/8', '::1'] });
    const viewer = await h!.keyFor('VIEWER');
    for (let i = 0; i < 3; i++) expect(await gqlVia('203.0.113.7', badKey(i))).toBe(401);
    expect(await gqlVia('203.0.113.7', badKey(3))).toBe(429);
    expect((await wsVia('203.0.113.7', badKey(4))).closeCode).toBe(4429);
    // Entries the client wrote itself, left of the one the proxy appended, change nothing.
    expect(await gqlVia('198.51.100.1, 203.0.113.7', badKey(5))).toBe(429);
    expect(await gqlVia('203.0.113.8', badKey(6))).toBe(401);
    expect(await gqlVia(undefined, badKey(7))).toBe(401); // the proxy itself, naming no client
    expect(await gqlVia('203.0.113.7', viewer)).toBe(200);
    expect((await wsVia('203.0.113.7', viewer)).data).toEqual({ viewer: { role: 'VIEWER' } });
    expect(await sourceAddresses()).toEqual(['127.0.0.1', '203.0.113.7', '203.0.113.8']);
    expect(codes(await gql(h!.url, VIEWER_QUERY, {}, badKey(8)))).toEqual(['UNAUTHENTICATED']);
  });
});
