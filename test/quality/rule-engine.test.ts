import { describe, expect, it } from 'vitest';
import { normalizeContact } from '../../src/process/normalize/contact-normalizer';
import { evaluateRules, type ValidationRule } from '../../src/process/quality/rules';
import type { RuleSubject } from '../../src/process/quality/rules/rule-types';

let n = 0;
const rule = (field: string, type: ValidationRule['rule'], params: Record<string, unknown> = {}, recordKind: ValidationRule['recordKind'] = 'CONTACT'): ValidationRule => ({
  id: `r${++n}`, recordKind, field, rule: type, params, enabled: true,
});

/** A contact as the pipeline sees it: normalized first, then validated. */
const contact = (values: Record<string, string | null>, hasCompany = false): RuleSubject => ({ kind: 'CONTACT', values: normalizeContact(values).values, hasCompany });
const failing = (subject: RuleSubject, rules: ValidationRule[]) => evaluateRules(subject, rules).map((i) => `${i.field}:${i.rule}`);

describe('rule engine, one table per rule type (real-world spellings, normalized first)', () => {
  const emailFormat = rule('email', 'FORMAT', { format: 'email' });
  it.each([
    ['  Ada.Lovelace@Example.COM ', true],
    ['o\'brien+crm@mail.example.co.uk', true],
    ['ada@localhost', false],
    ['ada lovelace@example.com', false],
    ['ada@@example.com', false],
    ['ada@example..com', false],
    ['"ada"@example.com', false],
  ])('FORMAT email %j → valid %s', (email, ok) => expect(failing(contact({ email }), [emailFormat])).toEqual(ok ? [] : ['email:FORMAT']));

  const phoneFormat = rule('phone', 'FORMAT', { format: 'phone' });
  it.each([
    ['(518) 555-0142', 'US', true],
    ['+1 212 555 0199', 'US', true],
    ['518.555.0142', 'US', true],
    ['+49 89 5550 1234', 'DE', true],
    ['020 7946 0958', 'GB', true],
    ['call me maybe', 'US', false],
    ['12', 'US', false],
  ])('FORMAT phone %j in %s → valid %s', (phone, country, ok) => expect(failing(contact({ phone, country }), [phoneFormat])).toEqual(ok ? [] : ['phone:FORMAT']));

  const postal = rule('postalCode', 'FORMAT', { format: 'postalCode', countryField: 'country' });
  it.each([
    ['10001', 'US', true],
    ['10001-1234', 'United States', true],
    ['SW1A 1AA', 'GB', true],
    ['M5H 2N2', 'Canada', true],
    ['80331', 'Deutschland', true],
    ['1234', 'DE', false],
    ['ABCDE', 'US', false],
    ['12345', 'CA', false],
  ])('FORMAT postalCode %j in %s → valid %s', (postalCode, country, ok) => expect(failing(contact({ postalCode, country }), [postal])).toEqual(ok ? [] : ['postalCode:FORMAT']));

  it.each([
    ['2024-02-29', true],
    ['2024-11-26T10:00:00Z', true],
    ['26/11/2024', false],
    ['yesterday', false],
  ])('FORMAT date %j → valid %s', (value, ok) => expect(failing({ kind: 'CONTACT', values: { title: value }, hasCompany: false }, [rule('title', 'FORMAT', { format: 'date' })])).toEqual(ok ? [] : ['title:FORMAT']));

  const companyDomain = rule('domain', 'FORMAT', { format: 'domain' }, 'COMPANY');
  it.each([
    ['acme.com', true],
    ['umbrella.co.uk', true],
    ['acme', false],
    ['acme .com', false],
  ])('FORMAT domain %j → valid %s', (domain, ok) => expect(failing({ kind: 'COMPANY', values: { domain }, hasCompany: false }, [companyDomain])).toEqual(ok ? [] : ['domain:FORMAT']));

  const required = [rule('email', 'REQUIRED'), rule('lastName', 'REQUIRED')];
  it.each([
    [{ email: 'a@b.co', lastName: 'Lovelace' }, []],
    [{ email: '   ', lastName: 'Lovelace' }, ['email:REQUIRED']],
    [{ email: null, lastName: '' }, ['email:REQUIRED', 'lastName:REQUIRED']],
    [{ lastName: ' \t ' }, ['email:REQUIRED', 'lastName:REQUIRED']],
  ])('REQUIRED %j → %j', (values, out) => expect(failing(contact(values), required)).toEqual(out));

  it.each([
    ['5', { min: 1, max: 10 }, true],
    ['1,000', { min: 1, max: 999 }, false],
    ['abc', { min: 1 }, false],
    ['Dr', { minLength: 3 }, false],
    ['2030-01-01', { before: '2029-12-31' }, false],
    ['2024-06-01', { after: '2024-01-01', before: '2024-12-31' }, true],
  ])('RANGE %j with %j → valid %s', (value, params, ok) => expect(failing({ kind: 'CONTACT', values: { title: value }, hasCompany: false }, [rule('title', 'RANGE', params)])).toEqual(ok ? [] : ['title:RANGE']));

  const stateRule = rule('state', 'CONSISTENCY', { check: 'stateInCountry', countryField: 'country' });
  it.each([
    ['New York', 'United States', true],
    ['N.Y.', 'US', true],
    ['Bayern', 'Germany', true],
    ['Bavaria', 'US', false],
    ['Ontario', 'US', false],
    ['Atlantis', 'US', false],
    ['NY', null, false],
  ])('CONSISTENCY state %j in %s → valid %s', (state, country, ok) => expect(failing(contact({ state, country }), [stateRule])).toEqual(ok ? [] : ['state:CONSISTENCY']));

  const postalConsistency = rule('postalCode', 'CONSISTENCY', { check: 'postalCodeInCountry' });
  it.each([
    ['SW1A 1AA', 'GB', true],
    ['SW1A 1AA', 'US', false],
  ])('CONSISTENCY postal code %j in %s → valid %s', (postalCode, country, ok) => expect(failing(contact({ postalCode, country }), [postalConsistency])).toEqual(ok ? [] : ['postalCode:CONSISTENCY']));

  const stage = rule('lifecycleStage', 'PICKLIST', { values: ['LEAD', 'CONTACT'] });
  it.each([
    ['LEAD', true],
    ['lead', true],
    ['Customer', false],
  ])('PICKLIST %j → valid %s', (v, ok) => expect(failing({ kind: 'CONTACT', values: { lifecycleStage: v }, hasCompany: false }, [stage])).toEqual(ok ? [] : ['lifecycleStage:PICKLIST']));

  const business = rule('email', 'BUSINESS_EMAIL', { when: 'hasCompany' });
  it.each([
    ['ada@acme.com', true, true],
    ['Ada.Lovelace@GMAIL.com', true, false],
    ['ada@hotmail.co.uk', true, false],
    ['ada@web.de', true, false],
    ['ada@gmail.com', false, true],
  ])('BUSINESS_EMAIL %j (company: %s) → valid %s', (email, hasCompany, ok) => expect(failing(contact({ email }, hasCompany), [business])).toEqual(ok ? [] : ['email:BUSINESS_EMAIL']));

  it('BUSINESS_EMAIL takes extra domains and "always"', () => {
    expect(failing(contact({ email: 'x@corp-mail.example' }), [rule('email', 'BUSINESS_EMAIL', { when: 'always', domains: ['corp-mail.example'] })])).toEqual(['email:BUSINESS_EMAIL']);
  });

  it('UNIQUE asks the context whether the value is taken', () => {
    const unique = rule('email', 'UNIQUE');
    const taken = (f: string, v: string) => f === 'email' && v === 'ada@acme.com';
    expect(evaluateRules(contact({ email: ' ADA@acme.com' }), [unique], { taken }).map((i) => i.rule)).toEqual(['UNIQUE']);
    expect(evaluateRules(contact({ email: 'grace@acme.com' }), [unique], { taken })).toEqual([]);
  });

  it('reports every failing rule, skips disabled rules and other kinds', () => {
    const rules = [rule('email', 'REQUIRED'), rule('lastName', 'REQUIRED'), phoneFormat, stateRule, postal, { ...business, enabled: false }, rule('name', 'REQUIRED', {}, 'COMPANY')];
    const issues = evaluateRules(contact({ email: '', phone: 'nope', state: 'Bavaria', country: 'US', postalCode: 'X' }, true), rules);
    expect(issues.map((i) => `${i.field}:${i.rule}`).sort()).toEqual(['email:REQUIRED', 'lastName:REQUIRED', 'phone:FORMAT', 'postalCode:FORMAT', 'state:CONSISTENCY']);
    expect(issues.every((i) => i.message.length > 5)).toBe(true);
  });
});
