/** Shared set-up for the Dynamics tests: an emulator on a free port, admin calls, adapters, raw wire access. */
import { dynamics } from '../../../src/system/dynamics';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import type { AdapterOptions, SystemAdapter, TokenInfo } from '../../../src/system/system-api';

export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', tenantId: 'contoso.onmicrosoft.com' };
export const FAST_RETRY = { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 100, jitter: 0 };

export function startEmulator(): Promise<RunningEmulator> {
  return dynamics.startEmulator({ port: 0 });
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
  const adapter = dynamics.createAdapter({
    baseUrl: emu.url,
    credentials: SANDBOX,
    retry: FAST_RETRY,
    timeoutMs: 5_000,
    onToken: (t) => tokens.push(t),
    ...overrides,
  });
  return { adapter, tokens };
}

/** A client-credentials token from the emulator's Entra ID endpoint (what msal would fetch over https). */
export async function fetchToken(emu: RunningEmulator, form: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emu.url}/${SANDBOX.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SANDBOX.clientId,
      client_secret: SANDBOX.clientSecret,
      scope: `${emu.url}/.default`,
      ...form,
    }).toString(),
  });
}

export async function accessToken(emu: RunningEmulator): Promise<string> {
  const res = await fetchToken(emu);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Raw HTTP to the data API with a fresh sandbox token. */
export async function rawClient(emu: RunningEmulator): Promise<(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }) => Promise<Response>> {
  const token = await accessToken(emu);
  return (method, path, init = {}) =>
    fetch(`${emu.url}/api/data/v9.2/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'OData-Version': '4.0', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body,
    });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
