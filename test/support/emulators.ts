/**
 * One way to stand up a CRM emulator for a test, whichever CRM: start it on a free port,
 * call its admin API (`/_emulator/…`), and build its adapter with fast retries. What differs
 * per CRM (credentials, vendor codes, raw wire access) lives in `crms/<crm>.ts`, and
 * `crms/index.ts` keys those fixtures by the registry's CRM list.
 */
import { afterEach, beforeEach } from 'vitest';
import { crmModule, demoPeople, type CrmKind, type RunningEmulator } from '../../src/system';
import type { EmulatorStatsSnapshot } from '../../src/system/emulator-kit/stats';
import type { AdapterOptions, SystemAdapter, TokenInfo } from '../../src/system/system-api';

/** The credentials every emulator accepts (Dynamics also takes a tenant; see crms/dynamics.ts). */
export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };
/** Retries short enough that failure tests stay quick. */
export const FAST_RETRY = { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 100, jitter: 0 };
/** No retries at all: one request, one answer. */
export const NO_RETRY = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, jitter: 0 };

export type StatsSnapshot = EmulatorStatsSnapshot;
type Target = RunningEmulator | string;
const urlOf = (t: Target) => (typeof t === 'string' ? t : t.url);

/**
 * An emulator of `kind` on a free port, holding `seed` demo people when asked. Junction's fields
 * are in place (the `provisioned` shortcut) unless `fresh`: an org as a new customer has it.
 */
export async function startCrmEmulator(kind: CrmKind, seed = 0, fresh = false): Promise<RunningEmulator> {
  const emu = await crmModule(kind).startEmulator({ port: 0, provisioned: !fresh });
  if (seed) emu.seed(demoPeople(seed));
  return emu;
}

/** Calls the emulator's admin API; throws on any answer but 2xx. */
export async function admin<T = unknown>(target: Target, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${urlOf(target)}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Empties the emulator; Junction's fields stay in place unless `fresh` (a new org, as a customer has it). */
export const resetEmulator = (target: Target, fresh = false) => admin(target, 'POST', 'reset', fresh ? undefined : { provisioned: true });

export const stats = (target: Target) => admin<StatsSnapshot>(target, 'GET', 'stats');
export const stored = (target: Target, object: string) => admin<Array<Record<string, unknown>>>(target, 'GET', `records/${object}`);

/** An adapter of `kind` with fast retries; `tokens` collects every token it obtains. */
export function crmAdapter(
  kind: CrmKind,
  target: Target,
  credentials: AdapterOptions['credentials'],
  overrides: Partial<AdapterOptions> = {},
): { adapter: SystemAdapter; tokens: TokenInfo[] } {
  const tokens: TokenInfo[] = [];
  const adapter = crmModule(kind).createAdapter({
    baseUrl: urlOf(target),
    credentials,
    retry: FAST_RETRY,
    timeoutMs: 5_000,
    onToken: (t) => tokens.push(t),
    ...overrides,
  });
  return { adapter, tokens };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export interface EmulatorContext {
  emu: RunningEmulator;
  adapter: SystemAdapter;
  /** Every token the adapter obtained, oldest first. */
  tokens: TokenInfo[];
}

/**
 * A fresh emulator of `kind` (holding `seed` demo people) and its adapter for each test of the
 * calling file or describe block, closed after it. Read the context's fields inside tests.
 */
export function useCrmEmulator(kind: CrmKind, credentials: AdapterOptions['credentials'], seed = 0): EmulatorContext {
  const ctx = {} as EmulatorContext;
  beforeEach(async () => {
    ctx.emu = await startCrmEmulator(kind, seed);
    Object.assign(ctx, crmAdapter(kind, ctx.emu, credentials));
  });
  afterEach(async () => {
    await ctx.adapter?.close();
    await ctx.emu?.close();
  });
  return ctx;
}
