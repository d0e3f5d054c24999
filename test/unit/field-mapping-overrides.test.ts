/**
 * Field mappings as data, without a database: version 1 is exactly the code's mappers; a
 * changed entry changes what a mapper reads and writes (direction, vendor field, transform,
 * value map); the transforms do what their names say; a bad shape is refused with reasons.
 */
import { describe, expect, it } from 'vitest';
import { mergeEntries, seedEntries, type FieldMappingEntry } from '../../src/process/mapping/mapping-entries';
import { checkAgainstDescribe, checkShape, FieldMappingInputError } from '../../src/process/mapping/mapping-validation';
import { mapperFor, mappersFor, mappingProfile, mappingVersion } from '../../src/process/mapping/registry';
import { transformIn, transformOut } from '../../src/process/mapping/transforms';

const seed = (kind: 'HUBSPOT' | 'SALESFORCE' | 'DYNAMICS') => seedEntries(mappingProfile(kind).mappers, []);
const entry = (entries: FieldMappingEntry[], object: string, field: string) => entries.find((e) => e.remoteObject === object && e.field === field)!;

/** A mapped record's values, by name. */
const valuesOf = (r: { record: { values: object } }) => r.record.values as Record<string, string | null>;

const HS_CONTACT = { email: 'ada@acme.com', firstname: 'Ada', lastname: 'Lovelace', jobtitle: '  Engineer ', lifecyclestage: 'opportunity', company: 'Acme' };

describe('version 1: the code’s mappers as data', () => {
  it('lists every mapped field of every object, the hook-derived lifecycle stage with its value map', () => {
    const hs = seed('HUBSPOT');
    expect(entry(hs, 'contacts', 'title')).toEqual({ recordKind: 'CONTACT', field: 'title', remoteObject: 'contacts', remoteField: 'jobtitle', direction: 'BOTH', transform: null, valueMap: null });
    expect(entry(hs, 'contacts', 'lifecycleStage').valueMap).toMatchObject({ lead: 'LEAD', opportunity: 'CONTACT', customer: 'CONTACT' });
    expect(entry(seed('SALESFORCE'), 'Lead', 'lifecycleStage')).toMatchObject({ remoteField: 'IsConverted', direction: 'INBOUND' });
    expect(seed('DYNAMICS').filter((e) => e.remoteObject === 'accounts').map((e) => e.field)).toEqual(['name', 'domain', 'country']);
  });

  it('changes nothing when the version is the seed itself (and keeps the mapping version hash)', () => {
    const plain = { kind: 'HUBSPOT' as const };
    const seeded = { kind: 'HUBSPOT' as const, fieldMappings: seed('HUBSPOT') };
    expect(mapperFor(seeded, 'contacts').toUnified(HS_CONTACT)).toEqual(mapperFor(plain, 'contacts').toUnified(HS_CONTACT));
    expect(mappingVersion(seeded)).toBe(mappingVersion(plain));
  });
});

describe('a changed version', () => {
  const change = (...changes: Array<Partial<FieldMappingEntry> & { field: string }>) => {
    const base = seed('HUBSPOT');
    return { kind: 'HUBSPOT' as const, fieldMappings: mergeEntries(base, changes.map((c) => ({ ...entry(base, 'contacts', c.field), ...c }))) };
  };
  const snapshot = { values: { email: 'ada@acme.com', title: 'CTO', lifecycleStage: 'LEAD' } };

  it('INBOUND reads a field but never writes it', () => {
    const m = mapperFor(change({ field: 'title', direction: 'INBOUND' }), 'contacts');
    expect(valuesOf(m.toUnified(HS_CONTACT)).title).toBe('  Engineer ');
    expect(m.toRemote(snapshot)).not.toHaveProperty('jobtitle');
    expect(m.toRemote(snapshot)).toMatchObject({ email: 'ada@acme.com' });
    expect(mappingVersion(change({ field: 'title', direction: 'INBOUND' }))).not.toBe(mappingVersion({ kind: 'HUBSPOT' }));
  });

  it('OUTBOUND writes but never reads; NONE does neither', () => {
    const out = mapperFor(change({ field: 'title', direction: 'OUTBOUND' }), 'contacts');
    expect(out.toUnified(HS_CONTACT).record.values).not.toHaveProperty('title');
    expect(out.toRemote(snapshot).jobtitle).toBe('CTO');
    const none = mapperFor(change({ field: 'title', direction: 'NONE' }), 'contacts');
    expect(none.toUnified(HS_CONTACT).record.values).not.toHaveProperty('title');
    expect(none.toRemote(snapshot)).not.toHaveProperty('jobtitle');
  });

  it('a renamed vendor field is requested, read and written instead, with its transform', () => {
    const m = mapperFor(change({ field: 'title', remoteField: 'job_function', transform: 'UPPER' }), 'contacts');
    expect(m.remoteFields).toContain('job_function');
    expect(valuesOf(m.toUnified({ ...HS_CONTACT, job_function: ' vp sales ' })).title).toBe('VP SALES');
    expect(m.toUnified(HS_CONTACT).record.values).not.toHaveProperty('title');
    const written = m.toRemote(snapshot);
    expect(written.job_function).toBe('CTO');
    expect(written).not.toHaveProperty('jobtitle');
  });

  it('a value map on the lifecycle stage decides what a stage means, and which stage a lead is written as', () => {
    const m = mapperFor(change({ field: 'lifecycleStage', valueMap: { marketingqualifiedlead: 'LEAD', opportunity: 'LEAD' } }), 'contacts');
    expect(valuesOf(m.toUnified(HS_CONTACT)).lifecycleStage).toBe('LEAD');
    // Unmapped stages keep the code's reading.
    expect(valuesOf(m.toUnified({ ...HS_CONTACT, lifecyclestage: 'customer' })).lifecycleStage).toBe('CONTACT');
    expect(m.toRemote(snapshot, { lifecyclestage: 'subscriber' }).lifecyclestage).toBe('marketingqualifiedlead');
    // The hook's guard still holds: never a stage backwards.
    expect(m.toRemote(snapshot, { lifecyclestage: 'customer' })).not.toHaveProperty('lifecyclestage');
    expect(m.toRemote(snapshot, { lifecyclestage: 'salesqualifiedlead' })).not.toHaveProperty('lifecyclestage');
  });

  it('a value map on a plain field maps both ways', () => {
    const m = mapperFor(change({ field: 'country', valueMap: { Deutschland: 'DE' } }), 'contacts');
    expect(valuesOf(m.toUnified({ ...HS_CONTACT, country: 'deutschland' })).country).toBe('DE');
    expect(m.toRemote({ values: { country: 'DE' } }).country).toBe('Deutschland');
  });

  it('rebuilds the mappers when the version changes (cached by configuration)', () => {
    const a = mappersFor(change({ field: 'title', direction: 'INBOUND' }));
    expect(mappersFor(change({ field: 'title', direction: 'INBOUND' }))).toBe(a);
    expect(mappersFor(change({ field: 'title', direction: 'NONE' }))).not.toBe(a);
  });
});

describe('other CRMs and custom fields', () => {
  it('a Salesforce Lead’s stage can be read from its Status picklist through a value map', () => {
    const base = seed('SALESFORCE');
    const stage = { ...entry(base, 'Lead', 'lifecycleStage'), remoteField: 'Status', valueMap: { 'Closed - Converted': 'CONTACT', 'Open - Not Contacted': 'LEAD' } };
    const m = mapperFor({ kind: 'SALESFORCE', fieldMappings: mergeEntries(base, [stage]) }, 'Lead');
    expect(m.remoteFields).toContain('Status');
    const lead = { FirstName: 'A', LastName: 'B', Email: 'a@b.com', IsConverted: false };
    expect(valuesOf(m.toUnified({ ...lead, Status: 'Closed - Converted' })).lifecycleStage).toBe('CONTACT');
    // A status the map does not name keeps the code's reading (IsConverted).
    expect(valuesOf(m.toUnified({ ...lead, Status: 'Working' })).lifecycleStage).toBe('LEAD');
  });

  it('a mapped custom field follows its entry’s direction like a standard one', () => {
    const settings = { customFields: [{ object: 'contacts', remote: 'employee_badge', key: 'badge' }] };
    const base = seedEntries(mappingProfile('HUBSPOT').mappers, [{ object: 'contacts', remote: 'employee_badge', key: 'badge' }]);
    const badge = entry(base, 'contacts', 'custom.badge');
    expect(badge).toMatchObject({ remoteField: 'employee_badge', direction: 'BOTH' });
    const m = mapperFor({ kind: 'HUBSPOT', settings, fieldMappings: mergeEntries(base, [{ ...badge, direction: 'INBOUND' }]) }, 'contacts');
    expect(valuesOf(m.toUnified({ ...HS_CONTACT, employee_badge: 'B-7' }))['custom.badge']).toBe('B-7');
    expect(m.toRemote({ values: { email: 'ada@acme.com', 'custom.badge': 'B-8' } })).not.toHaveProperty('employee_badge');
    expect(mapperFor({ kind: 'HUBSPOT', settings }, 'contacts').toRemote({ values: { 'custom.badge': 'B-8' } }).employee_badge).toBe('B-8');
  });
});

describe('transforms', () => {
  it.each([
    ['TRIM', '  a b  ', 'a b', 'x ', 'x'],
    ['LOWER', ' Ada@ACME.com', 'ada@acme.com', 'X', 'x'],
    ['UPPER', ' de ', 'DE', 'de', 'DE'],
    ['PHONE_E164', '+1 (415) 555-0100', '+14155550100', '+1 415 555 0100', '+14155550100'],
    ['COUNTRY', 'Germany', 'DE', 'DE', 'Germany'],
    ['STATE', ' US-NY ', 'US-NY', 'US-NY', 'New York'],
    ['DATE_ISO', '2024-05-01', '2024-05-01', '1714521600000', '2024-05-01T00:00:00.000Z'],
    ['NUMBER', ' 1,200.50 ', '1200.5', 'n/a', 'n/a'],
  ] as const)('%s', (t, rawIn, stored, value, written) => {
    expect(transformIn(t, rawIn)).toBe(stored);
    expect(transformOut(t, value)).toBe(written);
    expect(transformIn(t, null)).toBeNull();
  });
});

describe('validation', () => {
  const profile = mappingProfile('HUBSPOT');
  const title = entry(seed('HUBSPOT'), 'contacts', 'title');

  it('refuses an unknown object, field of another kind and a value outside an enum, naming each', () => {
    const bad = () =>
      checkShape(profile, [
        { ...title, remoteObject: 'deals' },
        { ...title, recordKind: 'COMPANY', field: 'nickname' },
        { ...entry(seed('HUBSPOT'), 'contacts', 'lifecycleStage'), valueMap: { customer: 'CUSTOMER' }, transform: 'LOWER' },
      ]);
    expect(bad).toThrow(FieldMappingInputError);
    expect(bad).toThrow(/no synced object deals.*holds CONTACT records, not COMPANY.*nickname is not a unified contact field.*derived through its value map, which takes no transform.*LEAD, CONTACT, not CUSTOMER/);
  });

  it('refuses a field the describe does not list and a type that does not fit', () => {
    const types = new Map([['contacts', { jobtitle: 'string', createdate: 'datetime', num_employees: 'number' }]]);
    expect(checkAgainstDescribe('HUBSPOT', [{ ...title, remoteField: 'JobTitle' }], types)).toEqual(['HUBSPOT contacts has no field JobTitle (did you mean jobtitle?)']);
    expect(checkAgainstDescribe('HUBSPOT', [{ ...title, remoteField: 'createdate' }], types)[0]).toMatch(/datetime field, which does not fit the text field title \(use transform DATE_ISO\)/);
    expect(checkAgainstDescribe('HUBSPOT', [{ ...title, remoteField: 'createdate', transform: 'DATE_ISO' }], types)).toEqual([]);
    expect(checkAgainstDescribe('HUBSPOT', [{ ...title, remoteField: 'num_employees', transform: 'NUMBER' }], types)).toEqual([]);
  });
});
