/** Shared set-up for the HubSpot tests: an emulator on a free port, admin calls, adapters. */
import { hubspot } from '../../../src/system/hubspot';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import type { AdapterOptions, SystemAdapter, TokenInfo } from '../../../src/system/system-api';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };

export async function startEmulator(): Promise<RunningEmulator> {
  return hubspot.startEmulator({ port: 0 });
}

export async function admin<T = unknown>(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface StatsSnapshot {
  requests: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  overLimit: number;
}

export const stats = (emu: RunningEmulator) => admin<StatsSnapshot>(emu, 'GET', 'stats');

/** An adapter with fast retries so failure tests stay quick; `tokens` collects every token obtained. */
export function makeAdapter(emu: RunningEmulator, overrides: Partial<AdapterOptions> = {}): { adapter: SystemAdapter; tokens: TokenInfo[] } {
  const tokens: TokenInfo[] = [];
  const adapter = hubspot.createAdapter({
    baseUrl: emu.url,
    credentials: SANDBOX,
    retry: { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 100, jitter: 0 },
    timeoutMs: 5_000,
    onToken: (t) => tokens.push(t),
    ...overrides,
  });
  return { adapter, tokens };
}

/** Raw HTTP to the emulator with a fresh sandbox token. */
export async function rawClient(emu: RunningEmulator): Promise<(method: string, path: string, body?: unknown) => Promise<Response>> {
  const res = await fetch(`${emu.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: SANDBOX.clientId,
      client_secret: SANDBOX.clientSecret,
      refresh_token: SANDBOX.refreshToken,
    }).toString(),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return (method, path, body) =>
    fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
