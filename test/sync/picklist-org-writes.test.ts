/**
 * Junction against a Salesforce org with state and country picklists (crm-wire.md §6.1 item 5):
 * the org's describe tells Junction the code fields exist (learned once per object, before its
 * first write, and kept on the connection); Junction then writes `MailingStateCode: "NY"` and
 * `MailingCountryCode: "US"` — never `US-NY`, never a name the picklist might not hold — and the
 * org fills the text fields. No write is refused. Read back through jsforce; the text-field org
 * is crm-writes.test.ts.
 */
import type { Client as HubSpotClient } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncUntilQuiet } from '../scenarios/support';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { hubspotSdk, salesforceSdk } from '../support/vendor-sdks';
import { requestLog, startRequestLog, writesOnTheWire } from './support';

let h: SyncHarness;
let sf: Connection;
let hubspot: HubSpotClient;

const salesforceId = async () => h.connectionIds.get('SALESFORCE')!;

beforeAll(async () => {
  // A fresh org with picklists on from the start, seeded as its users must enter people there.
  h = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT'], settings: { SALESFORCE: { statePicklists: true } } });
  sf = salesforceSdk(h.emulators.get('SALESFORCE')!.url);
  hubspot = await hubspotSdk(h.emulators.get('HUBSPOT')!.url);

  await sf.sobject('Contact').create({ FirstName: 'Sam', LastName: 'Picklist', Email: 'sam@org.example', MailingCountryCode: 'CA', MailingStateCode: 'QC' });
  for (const [email, state, country] of [
    ['ny@hub.example', 'N.Y.', 'USA'],
    ['by@hub.example', 'Bayern', 'Deutschland'],
    ['on@hub.example', 'Ontario', 'CA'],
    ['mx@hub.example', 'Ciudad de México', 'Mexico'],
    ['gb@hub.example', '', 'United Kingdom'],
  ] as const)
    await hubspot.crm.contacts.basicApi.create({ properties: { email, lastname: email.split('@')[0]!.toUpperCase(), state, country }, associations: [] });
  await hubspot.crm.contacts.basicApi.create({
    properties: { email: 'lead@hub.example', lastname: 'Leadbetter', company: 'SAP SE', state: 'California', country: 'US', lifecyclestage: 'lead' },
    associations: [],
  });
  await startRequestLog(h, 'SALESFORCE');
  await syncUntilQuiet(h);
}, 120_000);

afterAll(async () => h?.close());

describe('a Salesforce org with state and country picklists', () => {
  it('is learned from one describe, once: the connection keeps that the org has them', async () => {
    const [row] = (await h.db.dataSource.query(`SELECT org_features FROM connections WHERE id = $1`, [await salesforceId()])) as Array<{
      org_features: Record<string, boolean>;
    }>;
    expect(row!.org_features).toEqual({ statePicklists: true });
    // The setting is the org's, so one object's describe told for all three; later runs ask no more.
    const describes = (await requestLog(h, 'SALESFORCE')).filter((r) => r.path.endsWith('/describe'));
    expect(describes).toHaveLength(1);
  });

  it('gets the picklist codes, never ISO 3166-2 codes or names, and fills its text fields itself', async () => {
    const find = async (email: string) =>
      (await sf.sobject('Contact').find({ Email: email }, ['MailingState', 'MailingStateCode', 'MailingCountry', 'MailingCountryCode']))[0];
    expect(await find('ny@hub.example')).toMatchObject({
      MailingStateCode: 'NY',
      MailingCountryCode: 'US',
      MailingState: 'New York',
      MailingCountry: 'United States',
    });
    expect(await find('by@hub.example')).toMatchObject({
      MailingStateCode: 'BY',
      MailingCountryCode: 'DE',
      MailingState: 'Bavaria',
      MailingCountry: 'Germany',
    });
    expect(await find('on@hub.example')).toMatchObject({ MailingStateCode: 'ON', MailingCountryCode: 'CA' });
    expect(await find('mx@hub.example')).toMatchObject({ MailingStateCode: 'CDMX', MailingCountryCode: 'MX' });
    expect(await find('gb@hub.example')).toMatchObject({ MailingStateCode: null, MailingCountryCode: 'GB', MailingCountry: 'United Kingdom' });
    const lead = (await sf.sobject('Lead').find({ Email: 'lead@hub.example' }, ['StateCode', 'CountryCode', 'State', 'Company']))[0];
    expect(lead).toMatchObject({ StateCode: 'CA', CountryCode: 'US', State: 'California', Company: 'SAP SE' });

    const writes = writesOnTheWire('SALESFORCE', await requestLog(h, 'SALESFORCE'));
    expect(writes.length).toBeGreaterThanOrEqual(6);
    for (const w of writes) {
      for (const text of ['MailingState', 'MailingCountry', 'State', 'Country', 'BillingCountry'])
        expect(w.fields, `${w.key} ${text}`).not.toHaveProperty(text);
      for (const [field, value] of Object.entries(w.fields)) if (/Code$/.test(field) && typeof value === 'string') expect(value, field).not.toContain('-');
    }
  });

  it('refuses nothing: no FIELD_INTEGRITY_EXCEPTION, no failed delivery', async () => {
    const errors = (await h.db.dataSource.query(`SELECT code, message FROM sync_errors WHERE connection_id = $1`, [await salesforceId()])) as Array<{
      code: string;
      message: string;
    }>;
    expect(errors.filter((e) => e.code === 'FIELD_INTEGRITY_EXCEPTION' || /FIELD_INTEGRITY/.test(e.message))).toEqual([]);
    const failed = (await h.db.dataSource.query(
      `SELECT count(*)::int n FROM outbox WHERE connection_id = $1 AND last_error IS NOT NULL AND last_error <> 'nothing to write'`,
      [await salesforceId()],
    )) as Array<{ n: number }>;
    expect(failed[0]!.n).toBe(0);
  });

  it('reads the org’s codes back as the same values, so HubSpot gets names and nothing echoes', async () => {
    const sam = (await hubspot.crm.contacts.basicApi.getById('sam@org.example', ['state', 'country'], undefined, undefined, false, 'email')).properties;
    expect(sam).toMatchObject({ state: 'Quebec', country: 'Canada' });
    // A further round writes nothing anywhere.
    expect(await syncUntilQuiet(h)).toBe(1);
  });

  it('a changed state goes as its code alone', async () => {
    await startRequestLog(h, 'SALESFORCE');
    const hs = (await hubspot.crm.contacts.basicApi.getById('ny@hub.example', ['state'], undefined, undefined, false, 'email')).id;
    await hubspot.crm.contacts.basicApi.update(hs, { properties: { state: 'Texas' } });
    await syncUntilQuiet(h);
    const writes = writesOnTheWire('SALESFORCE', await requestLog(h, 'SALESFORCE'));
    expect(writes).toHaveLength(1);
    expect(Object.keys(writes[0]!.fields).sort()).toEqual(['Junction_Id__c', 'MailingStateCode', 'attributes', 'id']);
    expect(writes[0]!.fields.MailingStateCode).toBe('TX');
    expect((await sf.sobject('Contact').find({ Email: 'ny@hub.example' }, ['MailingState']))[0]).toMatchObject({ MailingState: 'Texas' });
  });
});
