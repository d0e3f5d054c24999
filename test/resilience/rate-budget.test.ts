/**
 * A limit over a long window (Salesforce's daily allocation) is a budget, not a pace: calls
 * go at once while it lasts, then wait for it to refill — in one process and shared through
 * Redis. A limit over a short window paces calls and keeps no budget.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createLimiter } from '../../src/system/transport/limiter';

const HOUR = 3_600_000;

/** Schedules `n` calls and reports how many ran within `ms`. */
async function ranWithin(limiter: ReturnType<typeof createLimiter>, n: number, ms: number): Promise<number> {
  let ran = 0;
  for (let i = 0; i < n; i++) void limiter.schedule(async () => void ran++).catch(() => undefined);
  await new Promise((r) => setTimeout(r, ms));
  return ran;
}

describe('a rate limit over a long window', () => {
  it('spends half the limit at once and holds the rest back until it trickles in', async () => {
    const limiter = createLimiter({ id: randomUUID(), rate: { requests: 10, windowMs: HOUR } });
    expect(await ranWithin(limiter, 8, 400)).toBe(5);
    expect(await limiter.currentReservoir()).toBe(0);
    await limiter.stop({ dropWaitingJobs: true });
  });

  it.skipIf(!inject('redisUrl'))('keeps the same budget when shared through Redis', async () => {
    const id = randomUUID();
    const options = { id, rate: { requests: 10, windowMs: HOUR }, redisUrl: inject('redisUrl') };
    const first = createLimiter(options);
    const second = createLimiter(options);
    // Two instances of one connection draw from one budget of five.
    const [a, b] = await Promise.all([ranWithin(first, 4, 1_500), ranWithin(second, 4, 1_500)]);
    expect(a + b).toBe(5);
    for (const l of [first, second]) await l.stop({ dropWaitingJobs: true });
  });
});

describe('a rate limit over a short window', () => {
  it('paces calls instead of keeping a budget', async () => {
    const limiter = createLimiter({ id: randomUUID(), rate: { requests: 100, windowMs: 10_000 } });
    expect(await limiter.currentReservoir()).toBeNull();
    expect(await ranWithin(limiter, 3, 400)).toBe(3);
    await limiter.stop({ dropWaitingJobs: true });
  });
});
