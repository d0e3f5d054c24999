/**
 * Issue 14 finding 8: an admin-written FORMAT pattern froze the server. `^(\w+\s?)*$` against
 * `"a"×30 + "!"` blocked the event loop for 69 s during a partner upsert. Patterns now run on
 * RE2 (linear time): the same rule answers the same upsert at once, and patterns RE2 cannot
 * run, or that are too large to stay cheap, are refused with BAD_USER_INPUT when saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRulePattern, MAX_PATTERN_VALUE, patternMatches } from '../../src/process/quality/rules/rule-pattern';
import { gql, useHarness } from '../support/harness';
import { useDatabase } from '../support/database';
import { restoreDefaultRules } from '../quality/support/rules';
import { measured } from './loop-delay';

const CATASTROPHIC = '^(\\w+\\s?)*$';
const SAVE_RULE = `mutation($input: ValidationRuleInput!) { upsertValidationRule(input: $input) { id } }`;
const UPSERT = `mutation($input: [ContactInput!]!, $key: String!) { upsertContacts(input: $input, idempotencyKey: $key) { results { outcome issues { field rule message } } } }`;

const db = useDatabase();
const h = useHarness(db);
let admin: string;

beforeAll(async () => {
  await restoreDefaultRules(db.dataSource);
  admin = await h.keyFor('ADMIN');
});
afterAll(async () => {
  if (db) await restoreDefaultRules(db.dataSource);
});

const saveRule = (pattern: string) => gql<{ upsertValidationRule: { id: string } }>(h.url, SAVE_RULE, { input: { recordKind: 'CONTACT', field: 'title', rule: 'FORMAT', params: { format: 'pattern', pattern } } }, admin);

describe('FORMAT pattern rules', () => {
  it('run the catastrophic pattern in linear time during a partner upsert, the event loop staying responsive', async () => {
    const saved = await saveRule(CATASTROPHIC);
    expect(saved.body.errors).toBeUndefined();
    const partner = await h.keyFor('PARTNER');
    const { value: res, ms, maxLoopDelayMs } = await measured(() =>
      gql<{ upsertContacts: { results: Array<{ outcome: string; issues: Array<{ field: string; rule: string }> }> } }>(
        h.url,
        UPSERT,
        {
          input: [
            { email: 'hostile.title@initech.com', lastName: 'Hostile', title: `${'a'.repeat(30)}!` },
            { email: 'fine.title@initech.com', lastName: 'Fine', title: 'Chief Stapler' },
          ],
          key: 'rule-pattern-attack',
        },
        partner,
      ),
    );
    console.log(`partner upsert under ${CATASTROPHIC}: ${ms.toFixed(0)} ms, longest loop stall ${maxLoopDelayMs.toFixed(0)} ms`);
    expect(res.body.errors).toBeUndefined();
    const [hostile, fine] = res.body.data!.upsertContacts.results;
    expect(hostile!.outcome).toBe('QUARANTINED');
    expect(hostile!.issues.map((i) => `${i.field}:${i.rule}`)).toEqual(['title:FORMAT']);
    expect(fine!.outcome).toBe('CREATED');
    expect(ms).toBeLessThan(2_000);
    expect(maxLoopDelayMs).toBeLessThan(500);
  });

  it('refuse, when saved, patterns RE2 cannot run in linear time and patterns too large to stay cheap', async () => {
    const refused = {
      lookahead: '^(?=.*\\d)\\w+$',
      backreference: '^(a+)\\1$',
      'a program of thousands of instructions': '^[a-z]{1000}[0-9]{1000}$',
      'more than 500 characters': `^(${'a|'.repeat(260)}b)$`,
      'no pattern at all': '',
    };
    for (const [name, pattern] of Object.entries(refused)) {
      const res = await saveRule(pattern);
      expect([name, res.body.errors?.[0]?.extensions?.code]).toEqual([name, 'BAD_USER_INPUT']);
      expect(res.body.errors![0]!.message).toMatch(/params\.pattern/);
    }
    const rules = (await db.dataSource.query(`SELECT params->>'pattern' AS pattern FROM validation_rules WHERE field = 'title' AND rule = 'FORMAT'`)) as Array<{ pattern: string }>;
    expect(rules).toEqual([{ pattern: CATASTROPHIC }]);
  });

  it('match in time linear in the value, as RegExp.test does, for values up to 10,000 characters', () => {
    expect(compileRulePattern(CATASTROPHIC).ok).toBe(true);
    const started = performance.now();
    expect(patternMatches(CATASTROPHIC, `${'a'.repeat(MAX_PATTERN_VALUE - 1)}!`)).toBe(false);
    expect(patternMatches('[a-z]{300}[0-9]', 'a'.repeat(MAX_PATTERN_VALUE))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(patternMatches(CATASTROPHIC, 'Chief Stapler')).toBe(true);
    expect(patternMatches('^[A-Z]{2}-\\d{4}$', 'AB-1234')).toBe(true);
    expect(patternMatches('\\/in\\/', 'https://www.linkedin.com/in/ada')).toBe(true);
    expect(patternMatches('^(?<area>\\d{3})-\\d{4}$', '555-0100')).toBe(true);
    expect(patternMatches('^x', 'x'.repeat(MAX_PATTERN_VALUE + 1))).toBe(false);
  });
});
