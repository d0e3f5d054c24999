/** The bad-key throttle, the failure aggregation and the page budget on their own, with a fake clock and no server. */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AuthFailureCounter, AuthThrottle, type AuthFailure, type AuthFailureReport } from '../../src/process/access';
import { checkPageBudget } from '../../src/experience/security/page-budget';
import { buildJunctionSchema, createJunctionPubSub } from '../../src/experience';

describe('AuthThrottle', () => {
  it('blocks an address at the Nth failure in the window, tells how long to wait, and lets it go after', () => {
    let now = 1_000_000;
    const throttle = new AuthThrottle({ maxFailures: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 2; i++) throttle.noteFailure('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    now += 10_000;
    throttle.noteFailure('10.0.0.1');
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(50); // the oldest of the 3 leaves the window in 50 s
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    expect(throttle.retryAfterSeconds(undefined)).toBe(0);
    now += 50_001;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
  });
});

describe('AuthFailureCounter', () => {
  it('counts every failure, but writes and reports the first of a kind at once and its repeats as one aggregate', async () => {
    let now = 1_000_000;
    const saved: AuthFailure[] = [];
    const reported: AuthFailureReport[] = [];
    const counter = new AuthFailureCounter({ now: () => now, sink: { save: async (f) => void saved.push(f) }, report: (r) => reported.push(r), aggregateMs: 60_000 });
    for (let i = 0; i < 500; i++) counter.record('MISSING', 'http', { sourceAddress: '10.0.0.1' });
    counter.record('MISSING', 'http', { sourceAddress: '10.0.0.2' });
    counter.record('UNKNOWN_KEY', 'http', { sourceAddress: '10.0.0.1', keyPrefix: 'jk_abcde' });
    now += 1_000;
    counter.record('MISSING', 'http', { sourceAddress: '10.0.0.1' });
    expect(counter.total).toBe(503);
    expect(saved.map((f) => [f.reason, f.sourceAddress, f.count])).toEqual([
      ['MISSING', '10.0.0.1', 1],
      ['MISSING', '10.0.0.2', 1],
      ['UNKNOWN_KEY', '10.0.0.1', 1],
    ]);
    await counter.flush();
    expect(saved.slice(3)).toEqual([{ at: now, reason: 'MISSING', transport: 'http', sourceAddress: '10.0.0.1', count: 500 }]);
    expect(reported.map((r) => [r.reason, r.sourceAddress, r.count, r.repeated])).toEqual([
      ['MISSING', '10.0.0.1', 1, false],
      ['MISSING', '10.0.0.2', 1, false],
      ['UNKNOWN_KEY', '10.0.0.1', 1, false],
      ['MISSING', '10.0.0.1', 500, true],
    ]);
    // After the interval the next failure of the kind is a first again.
    counter.record('MISSING', 'http', { sourceAddress: '10.0.0.1' });
    expect(saved).toHaveLength(5);
  });

  it('writes the aggregate by itself when the interval ends', async () => {
    const saved: AuthFailure[] = [];
    const counter = new AuthFailureCounter({ sink: { save: async (f) => void saved.push(f) }, aggregateMs: 20 });
    for (let i = 0; i < 3; i++) counter.record('THROTTLED', 'ws', { sourceAddress: '10.0.0.3' });
    await new Promise((r) => setTimeout(r, 60));
    expect(saved.map((f) => f.count)).toEqual([1, 2]);
  });
});

describe('page budget', () => {
  it('multiplies nested pages, counts default pages for connections without `first`, and uses variable values', async () => {
    const bundle = createJunctionPubSub();
    const schema = await buildJunctionSchema(bundle.pubSub);
    const budget = { maxRecords: 20_000, maxPageSize: 100 };
    const companies = parse(`query($n: Int) { companies(first: $n) { edges { node { contacts(first: 5) { totalCount } } } } }`);
    expect(checkPageBudget(schema, companies, undefined, { n: 10 }, budget)).toBe(10 * (1 + 5));
    expect(checkPageBudget(schema, companies, undefined, {}, budget)).toBe(20 * (1 + 5)); // default page of 20
    const defaults = parse(`{ companies { edges { node { contacts { totalCount } } } } }`);
    expect(checkPageBudget(schema, defaults, undefined, {}, budget)).toBe(20 * (1 + 20));
    expect(() => checkPageBudget(schema, companies, undefined, { n: 101 }, budget)).toThrow(/maximum page size is 100/);
    const viaFragment = parse(`query { companies(first: 100) { ...C } } fragment C on CompanyConnection { edges { node { contacts(first: 100) { edges { node { company { contacts(first: 100) { totalCount } } } } } } } }`);
    expect(() => checkPageBudget(schema, viaFragment, undefined, {}, budget)).toThrow(/the limit is 20000/);
    await bundle.close();
  });
});
