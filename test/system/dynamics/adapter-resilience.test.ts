/** Tokens, service-protection limits, usage and failure handling of the adapter against the emulator's faults. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../src/system/demo-data/people';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { SystemError } from '../../../src/system/errors';
import type { SystemAdapter } from '../../../src/system/system-api';
import { SANDBOX, admin, collect, makeAdapter, startEmulator, stats } from './helpers';

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
  it('gets an hour-long client-credentials token, and refreshes once after expireTokens', async () => {
    emu.seed(demoPeople(3));
    await collect(adapter.bulkExport('contacts', { fields: ['emailaddress1'] }));
    expect(tokens).toHaveLength(1);
    const lifetime = Date.parse(tokens[0]!.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(3599_000);

    await admin(emu, 'POST', 'faults', { expireTokens: true });
    const pages = await collect(adapter.bulkExport('contacts', { fields: ['emailaddress1'] }));
    expect(pages.flatMap((p) => p.records)).toHaveLength(3);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]!.accessToken).not.toBe(tokens[0]!.accessToken);
    expect((await stats(emu)).byStatus['401']).toBe(1);
    expect(adapter.stats.tokenExpiresAt).toBe(tokens[1]!.expiresAt);
  });

  it('classifies a wrong client secret as AUTHENTICATION with the AADSTS code, never echoing the secret', async () => {
    const { adapter: bad } = makeAdapter(emu, { credentials: { ...SANDBOX, clientSecret: 'wrong-secret-value' } });
    const err = await rejection(bad.refreshToken());
    expect(err).toMatchObject({ errorClass: 'AUTHENTICATION', code: 'invalid_client' });
    expect(err.message).toContain('AADSTS7000215');
    const result = await bad.testConnection();
    expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION', apiVersion: '9.2' });
    expect(result.message).not.toContain('wrong-secret-value');
    await bad.close();
  });
});

describe('limits and faults', () => {
  it('honours Retry-After on a service-protection 429 and never calls during the back-off', async () => {
    emu.seed(demoPeople(3));
    await admin(emu, 'POST', 'faults', { rateLimit: { requests: 2, windowMs: 1000 } });
    const started = Date.now();
    const pages = await collect(adapter.bulkExport('contacts', { fields: ['emailaddress1'], pageSize: 1 }));
    expect(pages).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const s = await stats(emu);
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.overLimit).toBe(0);
  });

  it('gives up on a 429 after the retries with RATE_LIMIT and the Dataverse code', async () => {
    await admin(emu, 'POST', 'faults', { rate429: 1, retryAfterSeconds: 0 });
    const err = await rejection(collect(adapter.bulkExport('contacts', { fields: [] })));
    expect(err).toMatchObject({ errorClass: 'RATE_LIMIT', code: '0x80072322' });
    expect((await stats(emu)).rateLimited).toBe(4);
  });

  it('answers a spent quota with the request-limit 429 (Dataverse has no daily quota)', async () => {
    await admin(emu, 'POST', 'faults', { quotaRemaining: 0 });
    const { adapter: once } = makeAdapter(emu, { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    const err = await rejection(once.getUsage());
    expect(err).toMatchObject({ errorClass: 'RATE_LIMIT', code: '0x80072322', details: { status: 429, retryAfterMs: 5000 } });
    await once.close();
  });

  it('retries a 503 and succeeds', async () => {
    await adapter.refreshToken();
    await admin(emu, 'POST', 'faults', { rate5xx: 1 });
    setTimeout(() => void admin(emu, 'POST', 'faults', { rate5xx: 0 }), 30);
    expect((await adapter.testConnection()).ok).toBe(true);
    expect((await stats(emu)).byStatus['503']).toBeGreaterThanOrEqual(1);
  });

  it('reports usage from the x-ms-ratelimit headers against 6,000 per 5 minutes', async () => {
    const first = await adapter.getUsage();
    expect(first).toEqual({ used: 1, limit: 6000 });
    await adapter.testConnection();
    await adapter.testConnection();
    expect(await adapter.getUsage()).toEqual({ used: 3, limit: 6000 });
    expect(adapter.stats.apiCalls).toBe(3);
  });

  it('times out a call the server never answers, classified TIMEOUT', async () => {
    const { adapter: quick } = makeAdapter(emu, { timeoutMs: 200, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    await quick.refreshToken();
    await admin(emu, 'POST', 'faults', { timeoutRate: 1 });
    const result = await quick.testConnection();
    expect(result).toMatchObject({ ok: false, errorClass: 'TIMEOUT' });
    await admin(emu, 'DELETE', 'faults');
    await quick.close();
  });
});
