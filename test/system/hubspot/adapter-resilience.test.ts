/** Tokens, limits, usage and failure handling of the adapter against the emulator's faults. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { SystemError } from '../../../src/system/errors';
import type { SystemAdapter } from '../../../src/system/system-api';
import { admin, collect, makeAdapter, startEmulator, stats } from './helpers';

let emu: RunningEmulator;
let adapter: SystemAdapter;
let tokens: Array<{ accessToken: string; expiresAt: string }>;

beforeEach(async () => {
  emu = await startEmulator();
  ({ adapter, tokens } = makeAdapter(emu));
});

afterEach(async () => {
  await adapter.close();
  await emu.close();
});

async function rejection(promise: Promise<unknown>): Promise<SystemError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SystemError) return err;
    throw err;
  }
  throw new Error('expected a SystemError');
}

describe('tokens', () => {
  it('refreshes once and replays after the emulator expires every token', async () => {
    emu.seed(demoPeople(3));
    await collect(adapter.bulkExport('contacts', { fields: ['email'] }));
    expect(tokens).toHaveLength(1);
    await admin(emu, 'POST', 'faults', { expireTokens: true });
    const pages = await collect(adapter.bulkExport('contacts', { fields: ['email'] }));
    expect(pages.flatMap((p) => p.records)).toHaveLength(3);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]!.accessToken).not.toBe(tokens[0]!.accessToken);
    expect((await stats(emu)).byStatus['401']).toBe(1);
    expect(adapter.stats.tokenExpiresAt).toBe(tokens[1]!.expiresAt);
  });

  it('reports expiresAt from expires_in (30 min) and refreshes ahead of expiry without a 401', async () => {
    const first = await adapter.refreshToken();
    const lifetime = Date.parse(first.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);

    await admin(emu, 'POST', 'token-ttl', { ttlMs: 1000 });
    await adapter.refreshToken();
    await adapter.getUsage();
    await new Promise((r) => setTimeout(r, 950));
    await collect(adapter.bulkExport('contacts', { fields: [] }));
    expect(tokens).toHaveLength(3);
    expect((await stats(emu)).byStatus['401']).toBeUndefined();
  });

  it('classifies a refused refresh token as AUTHENTICATION without retrying', async () => {
    const { adapter: bad } = makeAdapter(emu, { credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'revoked' } });
    const err = await rejection(bad.refreshToken());
    expect(err.errorClass).toBe('AUTHENTICATION');
    expect(err.code).toBe('BAD_REFRESH_TOKEN');
    const result = await bad.testConnection();
    expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION', apiVersion: 'v3' });
    expect(result.message).not.toContain('sandbox-secret');
    await bad.close();
  });
});

describe('limits and faults', () => {
  it('honours Retry-After on a ten-secondly 429 and never calls during the back-off', async () => {
    emu.seed(demoPeople(3));
    await admin(emu, 'POST', 'faults', { rateLimit: { requests: 2, windowMs: 1000 } });
    const started = Date.now();
    const pages = await collect(adapter.bulkExport('contacts', { fields: ['email'], pageSize: 1 }));
    expect(pages).toHaveLength(3);
    const s = await stats(emu);
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.overLimit).toBe(0);
    // Retry-After (1 s) wins over the 20 ms test backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('does not retry the DAILY quota and classifies it as RATE_LIMIT / quota exhausted', async () => {
    await admin(emu, 'POST', 'faults', { quotaRemaining: 0 });
    const before = (await stats(emu)).requests;
    const err = await rejection(collect(adapter.bulkExport('contacts', { fields: [] })));
    expect(err.errorClass).toBe('RATE_LIMIT');
    expect(err.code).toBe('QUOTA_EXHAUSTED');
    expect((await stats(emu)).requests - before).toBe(1);
  });

  it('retries 503s and then succeeds', async () => {
    emu.seed(demoPeople(2));
    await admin(emu, 'POST', 'faults', { rate5xx: 1 });
    const pending = collect(adapter.bulkExport('contacts', { fields: [] }));
    setTimeout(() => void admin(emu, 'DELETE', 'faults'), 30);
    const pages = await pending;
    expect(pages.flatMap((p) => p.records)).toHaveLength(2);
    expect((await stats(emu)).byStatus['503']).toBeGreaterThanOrEqual(1);
  });

  it('times out a call the emulator never answers', async () => {
    const { adapter: impatient } = makeAdapter(emu, { timeoutMs: 150, retry: { maxRetries: 0, baseDelayMs: 10, maxDelayMs: 10, jitter: 0 } });
    await impatient.refreshToken();
    await admin(emu, 'POST', 'faults', { timeoutRate: 1 });
    const err = await rejection(collect(impatient.bulkExport('contacts', { fields: [] })));
    expect(err.errorClass).toBe('TIMEOUT');
    await admin(emu, 'DELETE', 'faults');
    await impatient.close();
  });
});

describe('usage and connection', () => {
  it('reads usage from the daily rate-limit headers, with one GET when none was seen', async () => {
    await admin(emu, 'POST', 'faults', { quotaRemaining: 1000 });
    const usage = await adapter.getUsage();
    expect(usage.limit).toBe(250_000);
    expect(usage.used).toBe(250_000 - 1000 + 1);
    expect(adapter.stats.apiCalls).toBe(1);
    await collect(adapter.bulkExport('contacts', { fields: [] }));
    const later = await adapter.getUsage();
    expect(later.used).toBe(usage.used + 1);
    expect(adapter.stats.apiCalls).toBe(2);
  });

  it('measures latency on a successful connection test', async () => {
    await admin(emu, 'POST', 'faults', { latencyMs: 40 });
    const result = await adapter.testConnection();
    expect(result.ok).toBe(true);
    expect(result.latencyMs).toBeGreaterThanOrEqual(35);
    expect(result.apiVersion).toBe('v3');
  });
});
