/** /readyz's recent-check cache (readiness-cache.ts), on a clock the test moves. */
import { describe, expect, it } from 'vitest';
import { ReadinessCache, type Readiness } from '../../src/experience/readiness-cache';

function rig(results: Array<Readiness | Error>) {
  const clock = { now: 0 };
  let checks = 0;
  let release: (() => void) | undefined;
  let hold = false;
  const cache = new ReadinessCache(
    async () => {
      checks++;
      if (hold) await new Promise<void>((r) => (release = r));
      const next = results.shift() ?? 'ready';
      if (next instanceof Error) throw next;
      return next;
    },
    () => clock.now,
  );
  return { cache, clock, checks: () => checks, holdChecks: (on: boolean) => (hold = on), release: () => release?.() };
}

describe('readiness cache', () => {
  it('answers a fresh check without asking again, and concurrent probes share one check', async () => {
    const r = rig(['ready']);
    const [a, b] = await Promise.all([r.cache.answer(), r.cache.answer()]);
    expect(a).toEqual({ ok: true, status: 'ready' });
    expect(b).toEqual(a);
    r.clock.now = 999;
    expect(await r.cache.answer()).toEqual({ ok: true, status: 'ready' });
    expect(r.checks()).toBe(1);
  });

  it('answers a stale "ready" at once while one new check runs behind it, and the next probe sees that check', async () => {
    const r = rig(['ready', new Error('connect ECONNREFUSED')]);
    await r.cache.answer();
    r.clock.now = 5_000;
    r.holdChecks(true);
    // The check behind it is held: the probe is answered all the same.
    expect(await r.cache.answer()).toEqual({ ok: true, status: 'ready' });
    expect(await r.cache.answer()).toEqual({ ok: true, status: 'ready' });
    expect(r.checks()).toBe(2);
    r.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await r.cache.answer()).toMatchObject({ ok: false });
  });

  it('waits for a new check when the last one failed or said pending, or when it is too old to vouch for', async () => {
    const r = rig([new Error('down'), 'migrations pending', 'ready', 'migrations pending']);
    expect(await r.cache.answer()).toMatchObject({ ok: false });
    r.clock.now = 1_000;
    expect(await r.cache.answer()).toEqual({ ok: true, status: 'migrations pending' });
    r.clock.now = 2_000;
    expect(await r.cache.answer()).toEqual({ ok: true, status: 'ready' });
    r.clock.now = 20_000;
    expect(await r.cache.answer()).toEqual({ ok: true, status: 'migrations pending' });
    expect(r.checks()).toBe(4);
  });
});
