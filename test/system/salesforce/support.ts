/** Shared helpers for the Salesforce tests: an emulator per test and its admin API. */
import jsforce, { type Connection } from 'jsforce';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import type { EmulatorStatsSnapshot } from '../../../src/system/emulator-kit/stats';
import { salesforce } from '../../../src/system/salesforce';
import type { AdapterOptions, SystemAdapter } from '../../../src/system/system-api';

// jsforce routes even localhost traffic through a proxy when these are set (crm-wire.md §4.1).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };

export async function startEmulator(seedCount = 0): Promise<RunningEmulator> {
  const emu = await salesforce.startEmulator({ port: 0 });
  if (seedCount) emu.seed(demoPeople(seedCount));
  return emu;
}

export function connect(url: string): Connection {
  const conn = new jsforce.Connection({
    oauth2: { clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, loginUrl: url },
    instanceUrl: url,
    refreshToken: SANDBOX.refreshToken,
    version: '59.0',
  });
  conn.bulk2.pollInterval = 50;
  return conn;
}

export function adapterFor(url: string, overrides: Partial<AdapterOptions> = {}): SystemAdapter {
  return salesforce.createAdapter({
    baseUrl: url,
    credentials: { ...SANDBOX },
    retry: { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 100, jitter: 0 },
    timeoutMs: 5_000,
    ...overrides,
  });
}

export async function admin(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/_emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export const stats = (url: string) => admin(url, 'GET', 'stats') as Promise<EmulatorStatsSnapshot>;
export const stored = (url: string, object: string) => admin(url, 'GET', `records/${object}`) as Promise<Array<Record<string, unknown>>>;

/** A raw access token for wire-level tests. */
export async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: SANDBOX.refreshToken, client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret }).toString(),
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export async function collect<T>(iter: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iter) out.push(x);
  return out;
}
