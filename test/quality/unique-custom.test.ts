/**
 * UNIQUE on a custom field (`custom.badge`, stored in the contact's `custom` jsonb), against
 * the real database: another person's value is taken; the record's own contact and the same
 * person (sharing an exact match key, as matching would merge them) are not; the admin
 * accepts custom field names and refuses malformed ones. PageUniqueness (a whole page in one
 * query per rule) gives the same answers, and sees what the page applied so far.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRules, PageUniqueness, type ValidationRule } from '../../src/process/quality/rules';
import { RuleAdmin } from '../../src/process/quality/rules/rule-admin';
import { uniqueContext } from '../../src/process/quality/rules/unique-lookup';
import { insertRecord } from '../../src/process/store/records/unified-record.repository';
import { useDatabase } from '../support/database';

const BADGE: ValidationRule = { id: 'r1', recordKind: 'CONTACT', field: 'custom.badge', rule: 'UNIQUE', params: {}, enabled: true };

describe('UNIQUE on a custom field', () => {
  const db = useDatabase();
  let holder: string;

  const issues = async (values: Record<string, string | null>, ownId: string | null = null, rules = [BADGE]) =>
    evaluateRules({ kind: 'CONTACT', values, hasCompany: false }, rules, await uniqueContext(db.dataSource.manager, rules, 'CONTACT', values, ownId)).map((i) => `${i.field}:${i.rule}`);

  beforeAll(async () => {
    holder = await insertRecord(db.dataSource.manager, 'CONTACT', {
      email: 'ada@acme.com',
      lastName: 'Lovelace',
      phone: '+12125550100',
      linkedinUrl: 'https://www.linkedin.com/in/ada',
      'custom.badge': 'EB-1',
    });
  });

  it('stores the badge in the custom column', async () => {
    const [row] = (await db.dataSource.query(`SELECT custom FROM contacts WHERE id = $1`, [holder])) as Array<{ custom: Record<string, string> }>;
    expect(row!.custom).toEqual({ badge: 'EB-1' });
  });

  it('refuses another person’s badge', async () => {
    expect(await issues({ email: 'grace@acme.com', lastName: 'Hopper', phone: '+12125550101', 'custom.badge': 'EB-1' })).toEqual(['custom.badge:UNIQUE']);
  });

  it('accepts a free badge, no badge, and a disabled rule', async () => {
    expect(await issues({ email: 'grace@acme.com', 'custom.badge': 'EB-2' })).toEqual([]);
    expect(await issues({ email: 'grace@acme.com', 'custom.badge': null })).toEqual([]);
    expect(await issues({ email: 'grace@acme.com', 'custom.badge': 'EB-1' }, null, [{ ...BADGE, enabled: false }])).toEqual([]);
  });

  it('does not count the record’s own contact, or the same person by email, phone or LinkedIn URL', async () => {
    expect(await issues({ email: 'other@acme.com', 'custom.badge': 'EB-1' }, holder)).toEqual([]);
    expect(await issues({ email: 'ada@acme.com', 'custom.badge': 'EB-1' })).toEqual([]);
    expect(await issues({ email: 'ada.l@alt-acme.com', phone: '+12125550100', 'custom.badge': 'EB-1' })).toEqual([]);
    expect(await issues({ email: 'in.ada@alt-acme.com', linkedinUrl: 'https://www.linkedin.com/in/ada', 'custom.badge': 'EB-1' })).toEqual([]);
  });

  it('ignores merged contacts', async () => {
    const merged = await insertRecord(db.dataSource.manager, 'CONTACT', { email: 'old@acme.com', lastName: 'Old', 'custom.badge': 'EB-3' });
    await db.dataSource.query(`UPDATE contacts SET merged_into = $2 WHERE id = $1`, [merged, holder]);
    expect(await issues({ email: 'new@acme.com', 'custom.badge': 'EB-3' })).toEqual([]);
  });

  it('answers for a whole page like the per-record lookup, one query per rule', async () => {
    const page = [
      { email: 'grace@acme.com', phone: '+12125550101', 'custom.badge': 'EB-1' },
      { email: 'ada.l@alt-acme.com', phone: '+12125550100', 'custom.badge': 'EB-1' },
      { email: 'grace@acme.com', 'custom.badge': 'EB-2' },
      { email: 'new@acme.com', 'custom.badge': 'EB-3' },
      { email: 'nobody@acme.com', 'custom.badge': null },
    ];
    let queries = 0;
    const counting = { query: (sql: string, params?: unknown[]) => (queries++, db.dataSource.query(sql, params)) };
    const uniqueness = await PageUniqueness.load(counting, [BADGE], 'CONTACT', page);
    expect(queries).toBe(1);
    for (const values of page) {
      const single = await uniqueContext(db.dataSource.manager, [BADGE], 'CONTACT', values, null);
      expect(uniqueness.context(values, null).taken?.('custom.badge', values['custom.badge'] ?? ''), JSON.stringify(values)).toBe(single.taken?.('custom.badge', '') ?? false);
    }
    expect(uniqueness.context(page[0]!, holder).taken?.('custom.badge', 'EB-1')).toBe(false);
  });

  it('sees what the page applied so far: a value claimed earlier in the page, or given up', async () => {
    const uniqueness = await PageUniqueness.load(db.dataSource.manager, [BADGE], 'CONTACT', [{ 'custom.badge': 'EB-7' }, { 'custom.badge': 'EB-1' }]);
    const someone = { email: 'later@acme.com', 'custom.badge': 'EB-7' };
    expect(uniqueness.context(someone, null).taken?.('custom.badge', 'EB-7')).toBe(false);
    uniqueness.applied('00000000-0000-0000-0000-000000000007', { email: 'first@acme.com', 'custom.badge': 'EB-7' });
    expect(uniqueness.context(someone, null).taken?.('custom.badge', 'EB-7')).toBe(true);
    expect(uniqueness.context({ ...someone, email: 'first@acme.com' }, null).taken?.('custom.badge', 'EB-7')).toBe(false);
    // The holder of EB-1 changed its badge earlier in the page: EB-1 is free.
    const other = { email: 'grace@acme.com', 'custom.badge': 'EB-1' };
    expect(uniqueness.context(other, null).taken?.('custom.badge', 'EB-1')).toBe(true);
    uniqueness.applied(holder, { email: 'ada@acme.com', phone: '+12125550100', 'custom.badge': 'EB-9' });
    expect(uniqueness.context(other, null).taken?.('custom.badge', 'EB-1')).toBe(false);
  });

  it('lets an admin add UNIQUE rules on custom fields, and refuses malformed field names', async () => {
    const admin = new RuleAdmin(db.dataSource);
    for (const field of ['custom.badge', 'custom.salesforce.Outreach_Step__c']) {
      const added = await admin.upsert({ recordKind: 'CONTACT', field, rule: 'UNIQUE', params: {}, enabled: false });
      expect(added.ok && added.rule.field).toBe(field);
    }
    for (const field of ['custom.', 'custom.a.b.c', 'custom.has space', 'customer.badge']) {
      const refused = await admin.upsert({ recordKind: 'CONTACT', field, rule: 'UNIQUE', params: {}, enabled: false });
      expect(refused, field).toMatchObject({ ok: false, field: 'field' });
    }
    await db.dataSource.query(`DELETE FROM validation_rules WHERE field LIKE 'custom.%'`);
  });
});
