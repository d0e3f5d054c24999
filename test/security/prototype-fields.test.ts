/**
 * Issue 14 finding 12: custom fields named like built-in object properties. `remote:
 * "constructor"` stored `"function Object() { [native code] }"` in every contact, because a
 * record without that vendor field still "had" it by inheritance. Vendor fields (and the values
 * rules look at) are now read by own property only; names that cannot be own properties of a
 * plain object (`__proto__`) are refused when configured.
 */
import { describe, expect, it } from 'vitest';
import { CustomFieldConfigError } from '../../src/process/mapping/custom-fields';
import { mapperFor, mappingProfile } from '../../src/process/mapping/registry';
import { parseCustomFields } from '../../src/process/mapping/custom-fields';
import { evaluateRules } from '../../src/process/quality/rules';
import { useSyncHarness } from '../support/sync-harness';

const BUILT_INS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
const CARRIED = BUILT_INS.map((remote) => ({ object: 'contacts', remote }));
const MAPPED = [{ object: 'contacts', remote: 'propertyIsEnumerable', key: 'enumerable' }];

describe('vendor fields named like Object.prototype members', () => {
  it('map to nothing when the vendor sent nothing, and to the vendor’s value when it did', () => {
    const mapper = mapperFor({ kind: 'HUBSPOT', settings: { customFields: [...CARRIED, ...MAPPED] } }, 'contacts');
    const { record } = mapper.toUnified({ hs_object_id: '1', email: 'ada@example.com', lastmodifieddate: '2026-01-01T00:00:00.000Z' });
    const values = record.values as Record<string, unknown>;
    for (const name of BUILT_INS) expect(values[`custom.hubspot.${name}`], name).toBeUndefined();
    expect(values['custom.enumerable']).toBeUndefined();
    expect(JSON.stringify(values)).not.toContain('native code');

    const sent = mapper.toUnified({ hs_object_id: '1', email: 'ada@example.com', toString: 'Badge 7', propertyIsEnumerable: 'yes' }).record.values as Record<string, unknown>;
    expect(sent['custom.hubspot.toString']).toBe('Badge 7');
    expect(sent['custom.enumerable']).toBe('yes');
  });

  it('refuses __proto__ as a vendor field or unified key', () => {
    const profile = mappingProfile('HUBSPOT');
    expect(() => parseCustomFields(profile, [{ object: 'contacts', remote: '__proto__' }])).toThrow(CustomFieldConfigError);
    expect(() => parseCustomFields(profile, [{ object: 'contacts', remote: 'badge', key: '__proto__' }])).toThrow(CustomFieldConfigError);
  });

  it('give a rule on such a field nothing to see but the record’s own value', () => {
    const rule = { id: 'r1', recordKind: 'CONTACT' as const, field: 'constructor', rule: 'REQUIRED' as const, params: {}, enabled: true };
    expect(evaluateRules({ kind: 'CONTACT', values: { email: 'ada@example.com' }, hasCompany: false }, [rule])).toEqual([
      { field: 'constructor', rule: 'REQUIRED', message: 'constructor is required' },
    ]);
    const format = { ...rule, field: 'toString', rule: 'FORMAT' as const, params: { format: 'email' } };
    expect(evaluateRules({ kind: 'CONTACT', values: {}, hasCompany: false }, [format])).toEqual([]);
  });
});

describe('a HubSpot connection carrying such custom fields, synced for real', () => {
  const h = useSyncHarness({ seed: 4, crms: ['HUBSPOT'] });

  it('stores no inherited value in any contact', async () => {
    await h.connections.setCustomFields(h.connectionIds.get('HUBSPOT')!, [...CARRIED, ...MAPPED]);
    const run = await h.sync('HUBSPOT', 'BULK');
    expect(run.recordsRead).toBeGreaterThan(0);
    const rows = (await h.db.dataSource.query(`SELECT custom FROM contacts`)) as Array<{ custom: Record<string, unknown> }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const { custom } of rows) {
      expect(JSON.stringify(custom)).not.toContain('native code');
      for (const name of BUILT_INS) expect(Object.hasOwn(custom, `hubspot.${name}`), name).toBe(false);
      expect(Object.hasOwn(custom, 'enumerable')).toBe(false);
    }
  });
});
