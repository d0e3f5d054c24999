/**
 * Issue 14, finding 10: one VIEWER socket held 3,000 subscriptions (+100 MB). Now a socket
 * holds at most `maxPerSocket` operations (the rest answered TOO_MANY_SUBSCRIPTIONS, the
 * socket kept), and a key at most `maxSocketsPerKey` sockets (the next closed with 4429).
 * Limits are set small here; the defaults (25 and 20) come from the configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { useHarness } from '../support/harness';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';

const PER_SOCKET = 5;
const PER_KEY = 3;

const db = useDatabase();
const h = useHarness(db, { security: { subscriptions: { maxPerSocket: PER_SOCKET, maxSocketsPerKey: PER_KEY } } });
let viewer: string;
const open: WebSocket[] = [];

beforeAll(async () => {
  viewer = await h.keyFor('VIEWER');
});

afterAll(async () => {
  for (const s of open) s.terminate();
  if (h) expectNoSecretsInLogs(h.logLines, [viewer]);
});

interface Socket {
  ws: WebSocket;
  messages: Array<{ type: string; id?: string; payload?: unknown }>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A raw graphql-ws socket, acknowledged (or closed) by the server. */
async function connect(key: string): Promise<Socket & { acked: boolean }> {
  const ws = new WebSocket(`${h.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  open.push(ws);
  const messages: Socket['messages'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Socket['messages'][number]));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } }));
  const acked = await Promise.race([
    (async () => {
      while (!messages.some((m) => m.type === 'connection_ack')) await new Promise((r) => setTimeout(r, 10));
      return true;
    })(),
    closed.then(() => false),
  ]);
  return { ws, messages, closed, acked };
}

const subscribe = (s: Socket, id: string) => s.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { healthChanged { status } }' } }));
const errorsOf = (s: Socket) => s.messages.filter((m) => m.type === 'error');
async function settle(s: Socket, errors: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (errorsOf(s).length < errors && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
}

describe('subscriptions per socket', () => {
  it('refuses all but the limit of 3,000 subscriptions on one socket, and keeps the socket', async () => {
    const s = await connect(viewer);
    expect(s.acked).toBe(true);
    for (let i = 0; i < 3000; i++) subscribe(s, `s${i}`);
    await settle(s, 3000 - PER_SOCKET);
    const errors = errorsOf(s);
    expect(errors).toHaveLength(3000 - PER_SOCKET);
    expect(errors[0]!.payload).toEqual([
      { message: `This socket has ${PER_SOCKET} operations open already, the limit: complete one, or open another socket`, extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: PER_SOCKET } },
    ]);
    // The first ones run; completing one frees its place for another.
    const refused = new Set(errors.map((e) => e.id));
    expect([0, 1, 2, 3, 4].every((i) => !refused.has(`s${i}`))).toBe(true);
    s.ws.send(JSON.stringify({ id: 's0', type: 'complete' }));
    await new Promise((r) => setTimeout(r, 200));
    subscribe(s, 'again');
    await new Promise((r) => setTimeout(r, 300));
    expect(s.messages.some((m) => m.id === 'again' && m.type === 'error')).toBe(false);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.ws.close();
  });
});

describe('sockets per key', () => {
  it('closes the socket past the limit with 4429, and frees a place when one closes', async () => {
    const sockets = [];
    for (let i = 0; i < PER_KEY; i++) sockets.push(await connect(viewer));
    expect(sockets.every((s) => s.acked)).toBe(true);
    const extra = await connect(viewer);
    expect(extra.acked).toBe(false);
    expect(await extra.closed).toEqual({ code: 4429, reason: `Too many open sockets for this API key (limit ${PER_KEY})` });
    // Another key is not counted against this one.
    expect((await connect(await h.keyFor('OPERATOR'))).acked).toBe(true);
    sockets[0]!.ws.close();
    await sockets[0]!.closed;
    await new Promise((r) => setTimeout(r, 100));
    expect((await connect(viewer)).acked).toBe(true);
  });

  it('are configured with safe defaults', () => {
    expect(loadConfig({}).security.subscriptions).toEqual({ maxPerSocket: 25, maxSocketsPerKey: 20 });
    expect(loadConfig({ JUNCTION_WS_MAX_SUBSCRIPTIONS: '100', JUNCTION_WS_MAX_SOCKETS_PER_KEY: '2' }).security.subscriptions).toEqual({ maxPerSocket: 100, maxSocketsPerKey: 2 });
    expect(() => loadConfig({ JUNCTION_WS_MAX_SUBSCRIPTIONS: '0' })).toThrow(/JUNCTION_WS_MAX_SUBSCRIPTIONS must be between 1 and 100000/);
  });
});
