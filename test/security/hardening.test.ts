/**
 * HTTP hardening and production mode: security headers with a strict same-origin CSP on
 * every route (the dashboard at `/` included), CORS closed unless configured, server
 * timeouts set, and with NODE_ENV=production no introspection (HTTP and ws), no landing
 * page and no field suggestions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, startHarness, type Harness } from '../support/harness';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { wsRun } from './support';

const db = useDatabase();
let dev: Harness;
let prod: Harness;
const issued: string[] = [];

beforeAll(async () => {
  dev = await startHarness(db, { security: { http: { corsOrigins: ['https://app.example.com'], requestTimeoutMs: 20_000, headersTimeoutMs: 5_000 } } });
  prod = await startHarness(db, { env: 'production' });
});

afterAll(async () => {
  for (const h of [dev, prod]) if (h) expectNoSecretsInLogs(h.logLines, issued);
  await dev?.close();
  await prod?.close();
});

describe('security headers', () => {
  it.each(['/', '/healthz', '/graphql'])('are sent on %s, with a CSP allowing only same-origin scripts and styles', async (path) => {
    const res = path === '/graphql' ? await fetch(`${dev.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }) : await fetch(`${dev.url}${path}`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

  it('is closed by default: no origin is allowed', async () => {
    const res = await preflight(prod.url, 'https://app.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const allowed = await preflight(dev.url, 'https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const other = await preflight(dev.url, 'https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('timeouts', () => {
  it('sets request and header timeouts on the server', () => {
    expect(dev.server.httpServer.requestTimeout).toBe(20_000);
    expect(dev.server.httpServer.headersTimeout).toBe(5_000);
    expect(prod.server.httpServer.requestTimeout).toBe(30_000);
    expect(prod.server.httpServer.headersTimeout).toBe(10_000);
  });
});

describe('NODE_ENV=production', () => {
  it('refuses introspection over HTTP and over graphql-ws', async () => {
    const admin = await prod.keyFor('ADMIN');
    issued.push(admin);
    const http = await gql(prod.url, `{ __schema { types { name } } }`, {}, admin);
    expect(http.body.data ?? undefined).toBeUndefined();
    expect(http.body.errors?.[0]?.message).toMatch(/introspection/i);
    const ws = await wsRun(prod.url, `Bearer ${admin}`, { query: `{ __type(name: "Contact") { fields { name } } }` });
    expect(ws.errors[0]?.message).toMatch(/introspection/i);
    expect(ws.data).toBeUndefined();
    // Development still allows it (tooling).
    const devAnswer = await gql<{ __schema: { types: unknown[] } }>(dev.url, `{ __schema { types { name } } }`);
    expect(devAnswer.body.data?.__schema.types.length).toBeGreaterThan(10);
  });

  it('serves no landing page and gives no field suggestions', async () => {
    const page = await fetch(`${prod.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await page.text()).not.toMatch(/<html|sandbox|embeddable/i);
    const devPage = await fetch(`${dev.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await devPage.text()).toMatch(/<html/i);
    const admin = await prod.keyFor('ADMIN');
    const typo = await gql(prod.url, `{ contacs(first: 1) { totalCount } }`, {}, admin);
    expect(typo.body.errors?.[0]?.message).toMatch(/Cannot query field "contacs"/);
    expect(JSON.stringify(typo.body)).not.toMatch(/Did you mean/);
  });
});
