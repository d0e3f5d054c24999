/**
 * Per-connection custom fields (SPEC §3 "Mapping"): a mapped custom field round-trips
 * Salesforce → store `custom` → HubSpot and Dynamics (and back from HubSpot); an unmapped
 * vendor field a connection carries shows read-only under its source-prefixed key in the
 * Contact query's `custom`. Real emulators over HTTP, real PostgreSQL, real GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomFieldConfigError } from '../../src/process/mapping/custom-fields';
import { mapperFor, mappingVersion } from '../../src/process/mapping/registry';
import { gql, startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { contactLinkedTo, emulatorRecords, remoteIdOf, salesforceCreate } from './support';

const SET_CUSTOM_FIELDS = `mutation SetCustomFields($connectionId: ID!, $fields: [CustomFieldInput!]!) {
  setCustomFields(connectionId: $connectionId, fields: $fields) { connection { id kind } fields { object remote key customKey readOnly } }
}`;
const CONTACTS = `query { contacts(first: 50) { edges { node { id email custom } } } }`;

let h: SyncHarness;
let api: Harness;
let admin: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 0 });
  api = await startHarness(h.db);
  admin = await api.keyFor('ADMIN');
  // The CRM admins created the fields in each CRM's setup.
  expect(h.emulators.get('SALESFORCE')!.fields!.define('Contact', 'Employee_Badge__c')).toBe(true);
  expect(h.emulators.get('SALESFORCE')!.fields!.define('Contact', 'Outreach_Last_Sequence_Step__c')).toBe(true);
  expect(h.emulators.get('HUBSPOT')!.fields!.define('contacts', 'employee_badge')).toBe(true);
  expect(h.emulators.get('DYNAMICS')!.fields!.define('contacts', 'new_badge')).toBe(true);
});

afterAll(async () => {
  await api?.close();
  await h?.close();
});

async function setCustomFields(kind: 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS', fields: Array<Record<string, unknown>>) {
  return gql<{ setCustomFields: { fields: Array<Record<string, unknown>> } }>(
    api.url,
    SET_CUSTOM_FIELDS,
    { connectionId: h.connectionIds.get(kind), fields },
    admin,
  );
}

describe('custom-field configuration', () => {
  it('is for ADMIN keys only', async () => {
    const res = await gql(api.url, SET_CUSTOM_FIELDS, { connectionId: h.connectionIds.get('SALESFORCE'), fields: [] }, await api.keyFor('OPERATOR'));
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a bad configuration with every problem named, and keeps the previous one', async () => {
    const bad = await setCustomFields('SALESFORCE', [
      { object: 'Opportunity', remote: 'Amount__c', key: 'amount' },
      { object: 'Contact', remote: 'Email', key: 'mail' },
      { object: 'Contact', remote: 'Badge__c', key: 'has.dot' },
    ]);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const message = bad.body.errors![0]!.message;
    expect(message).toContain('key must be letters');
    const wrongObject = await setCustomFields('SALESFORCE', [
      { object: 'Opportunity', remote: 'Amount__c', key: 'amount' },
      { object: 'Contact', remote: 'Email', key: 'mail' },
    ]);
    expect(wrongObject.body.errors![0]!.message).toMatch(/no synced object Opportunity.*Email is already mapped/);
    const [row] = (await h.db.dataSource.query(`SELECT settings FROM connections WHERE id = $1`, [h.connectionIds.get('SALESFORCE')])) as Array<{
      settings: Record<string, unknown>;
    }>;
    expect(row!.settings.customFields).toBeUndefined();
    expect(() =>
      mapperFor(
        {
          kind: 'HUBSPOT',
          settings: {
            customFields: [
              { object: 'contacts', remote: 'x', key: 'a' },
              { object: 'contacts', remote: 'y', key: 'a' },
            ],
          },
        },
        'contacts',
      ),
    ).toThrow(CustomFieldConfigError);
  });

  it('stores each connection’s mapping, and a changed mapping is a new mapping version', async () => {
    const before = mappingVersion({ kind: 'SALESFORCE', settings: {} });
    const sf = await setCustomFields('SALESFORCE', [
      { object: 'Contact', remote: 'Employee_Badge__c', key: 'badge' },
      { object: 'Contact', remote: 'Outreach_Last_Sequence_Step__c' },
    ]);
    expect(sf.body.errors).toBeUndefined();
    expect(sf.body.data!.setCustomFields.fields).toEqual([
      { object: 'Contact', remote: 'Employee_Badge__c', key: 'badge', customKey: 'badge', readOnly: false },
      { object: 'Contact', remote: 'Outreach_Last_Sequence_Step__c', key: null, customKey: 'salesforce.Outreach_Last_Sequence_Step__c', readOnly: true },
    ]);
    expect((await setCustomFields('HUBSPOT', [{ object: 'contacts', remote: 'employee_badge', key: 'badge' }])).body.errors).toBeUndefined();
    expect((await setCustomFields('DYNAMICS', [{ object: 'contacts', remote: 'new_badge', key: 'badge' }])).body.errors).toBeUndefined();
    const listed = await gql<{ connections: Array<{ id: string; customFields: Array<{ customKey: string; readOnly: boolean }> }> }>(
      api.url,
      `{ connections { id customFields { customKey readOnly } } }`,
      {},
      await api.keyFor('VIEWER'),
    );
    expect(listed.body.data!.connections.find((c) => c.id === h.connectionIds.get('DYNAMICS'))!.customFields).toEqual([
      { customKey: 'badge', readOnly: false },
    ]);
    const sfConnection = (await h.connections.get(h.connectionIds.get('SALESFORCE')!))!;
    expect(mappingVersion(sfConnection)).not.toBe(before);
    // Only mapped fields travel: the custom ones are requested with the base fields.
    expect(mapperFor(sfConnection, 'Contact').remoteFields).toEqual(expect.arrayContaining(['Email', 'Employee_Badge__c', 'Outreach_Last_Sequence_Step__c']));
    expect(mapperFor(sfConnection, 'Lead').remoteFields).not.toContain('Employee_Badge__c');
  });
});

describe('a custom field through the sync', () => {
  let contactId: string;

  it('reads a mapped and a carried Salesforce field into the store’s custom column', async () => {
    const sfId = await salesforceCreate(h, 'Contact', {
      FirstName: 'Badge',
      LastName: 'Holder',
      Email: 'badge.holder@acme.com',
      Employee_Badge__c: 'B-42',
      Outreach_Last_Sequence_Step__c: 'step 3',
    });
    const run = await h.sync('SALESFORCE');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    const stored = await contactLinkedTo(h, 'SALESFORCE', sfId);
    contactId = stored.id;
    expect(stored.custom).toEqual({ badge: 'B-42', 'salesforce.Outreach_Last_Sequence_Step__c': 'step 3' });
  });

  it('shows the carried field under its source-prefixed key in the Contact query', async () => {
    const res = await gql<{ contacts: { edges: Array<{ node: { id: string; email: string; custom: Record<string, unknown> } }> } }>(
      api.url,
      CONTACTS,
      {},
      admin,
    );
    expect(res.body.errors).toBeUndefined();
    const node = res.body.data!.contacts.edges.map((e) => e.node).find((n) => n.id === contactId);
    expect(node?.custom).toMatchObject({ 'salesforce.Outreach_Last_Sequence_Step__c': 'step 3', badge: 'B-42' });
  });

  it('writes the mapped field to HubSpot and Dynamics under their own names, and never the carried one', async () => {
    for (const kind of ['HUBSPOT', 'DYNAMICS'] as const) expect((await h.sync(kind)).status).toBe('SUCCEEDED');
    const hsId = await remoteIdOf(h, 'HUBSPOT', contactId);
    const hs = (await emulatorRecords(h, 'HUBSPOT', 'contacts')).find((r) => r.id === hsId)!;
    expect((hs.properties as Record<string, unknown>).employee_badge).toBe('B-42');
    expect(Object.keys(hs.properties as object).some((k) => k.toLowerCase().includes('outreach'))).toBe(false);
    const dvId = await remoteIdOf(h, 'DYNAMICS', contactId);
    const dv = (await emulatorRecords(h, 'DYNAMICS', 'contacts')).find((r) => r.contactid === dvId)!;
    expect(dv.new_badge).toBe('B-42');
  });

  it('syncs a mapped field both ways: a HubSpot edit reaches Salesforce', async () => {
    const conn = (await h.connections.get(h.connectionIds.get('HUBSPOT')!))!;
    const hsId = await remoteIdOf(h, 'HUBSPOT', contactId);
    const [written] = await h.connections.adapterFor(conn).upsert('contacts', [{ remoteId: hsId, junctionId: contactId, fields: { employee_badge: 'B-43' } }]);
    expect(written?.ok).toBe(true);
    expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
    expect((await contactLinkedTo(h, 'HUBSPOT', hsId)).custom).toMatchObject({ badge: 'B-43', 'salesforce.Outreach_Last_Sequence_Step__c': 'step 3' });
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    const sfId = await remoteIdOf(h, 'SALESFORCE', contactId);
    const sf = (await emulatorRecords(h, 'SALESFORCE', 'Contact')).find((r) => r.Id === sfId)!;
    expect(sf.Employee_Badge__c).toBe('B-43');
    // The carried field is read-only: Junction never wrote it back.
    expect(sf.Outreach_Last_Sequence_Step__c).toBe('step 3');
  });
});
