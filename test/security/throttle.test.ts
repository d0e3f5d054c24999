/** The bad-key throttle and the page budget on their own, with a fake clock and no server. */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../src/process/access';
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
