/**
 * What Junction writes into a CRM (issue 13 item 7), asserted on what each emulator stores
 * after real syncs, read back through the vendors' own SDKs (jsforce, @hubspot/api-client,
 * dynamics-web-api), and on the wire through the emulators' request logs:
 * - company names keep their case in every CRM; person names are re-cased only when typed all
 *   upper or all lower;
 * - states and countries arrive as names ("New York", "United States"), never ISO codes;
 * - HubSpot's lifecyclestage is never invented, never moved backwards, and a backwards write
 *   HubSpot ignored is not taken for applied;
 * - a write carries only what changed since the target's last known state.
 * (Salesforce orgs with state and country picklists: picklist-org-writes.test.ts.)
 */
import type { Client as HubSpotClient } from '@hubspot/api-client';
import type { DynamicsWebApi } from 'dynamics-web-api';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_EVENTS } from '../../src/process/events';
import { QuarantineService } from '../../src/process/quality/quarantine.service';
import { syncUntilQuiet } from '../scenarios/support';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { dataverseSdk, hubspotSdk, salesforceSdk } from '../support/vendor-sdks';
import { remoteIdOf, requestLog, startRequestLog, writesOnTheWire } from './support';

type Kind = 'SALESFORCE' | 'HUBSPOT' | 'DYNAMICS';

let h: SyncHarness;
let sf: Connection;
let hubspot: HubSpotClient;
let dataverse: DynamicsWebApi;

const HS_PROPERTIES = ['email', 'firstname', 'lastname', 'company', 'jobtitle', 'city', 'state', 'country', 'lifecyclestage', 'hs_linkedin_url'];
const ISO_SUBDIVISION = /^[A-Z]{2}-[A-Z0-9]{1,4}$/;
/** The people each CRM's users entered (below), by email. */
const PEOPLE = ['ronald@ibm.example', 'danny@kpmg.example', 'ada@sap.example', 'grace@devere.example', 'jan@devere.example'];
const pick = (row: Record<string, string | null | undefined>, fields: string[]) => Object.fromEntries(fields.map((f) => [f, row[f] ?? '']));

const hubspotContact = async (email: string) =>
  (await hubspot.crm.contacts.basicApi.getById(email, HS_PROPERTIES, undefined, undefined, false, 'email')).properties;
const sfContact = async (email: string) =>
  (await sf.sobject('Contact').find({ Email: email }, ['Id', 'FirstName', 'LastName', 'Title', 'MailingState', 'MailingCountry', 'AccountId']))[0] as Record<
    string,
    string
  >;
const sfAccountName = async (id: string) => ((await sf.sobject('Account').retrieve(id)) as unknown as { Name: string }).Name;
async function dataverseContact(email: string): Promise<Record<string, string>> {
  const rows = await dataverse.retrieveMultiple<Record<string, string>>({
    collection: 'contacts',
    select: ['contactid', 'firstname', 'lastname', 'jobtitle', 'address1_stateorprovince', 'address1_country', '_parentcustomerid_value'],
    filter: `emailaddress1 eq '${email}'`,
  });
  expect(rows.value, `Dataverse contact ${email}`).toHaveLength(1);
  return rows.value[0]!;
}
const dataverseAccountName = async (id: string) => (await dataverse.retrieve<{ name: string }>({ collection: 'accounts', key: id, select: ['name'] })).name;
const contactId = async (email: string) => ((await h.db.dataSource.query(`SELECT id FROM contacts WHERE email = $1`, [email])) as Array<{ id: string }>)[0]!.id;
const knownState = async (kind: Kind, recordId: string) =>
  (
    (await h.db.dataSource.query(`SELECT known_state FROM source_links WHERE connection_id = $1 AND record_id = $2`, [
      h.connectionIds.get(kind),
      recordId,
    ])) as Array<{ known_state: Record<string, unknown> }>
  )[0]!.known_state;

beforeAll(async () => {
  // An org with state and country picklists off, where people type them as text (picklist-org-writes.test.ts: on, as in a new org).
  h = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'], settings: { SALESFORCE: { statePicklists: false } } });
  sf = salesforceSdk(h.emulators.get('SALESFORCE')!.url);
  hubspot = await hubspotSdk(h.emulators.get('HUBSPOT')!.url);
  dataverse = dataverseSdk(h.emulators.get('DYNAMICS')!);

  // People as each CRM's users entered them.
  const ibm = await sf.sobject('Account').create({ Name: 'IBM', BillingCountry: 'US' });
  await sf.sobject('Contact').create({
    FirstName: 'Ronald',
    LastName: 'McDonald',
    Email: 'ronald@ibm.example',
    Title: 'CTO',
    MailingState: 'NY',
    MailingCountry: 'US',
    AccountId: ibm.id,
  });
  await sf
    .sobject('Lead')
    .create({ FirstName: 'DANNY', LastName: 'DeVito', Email: 'danny@kpmg.example', Company: 'KPMG LLP', State: 'California', Country: 'United States' });
  await hubspot.crm.contacts.basicApi.create({
    properties: {
      email: 'ada@sap.example',
      firstname: 'ada',
      lastname: 'LOVELACE',
      company: 'SAP SE',
      jobtitle: 'CEO',
      state: 'Bavaria',
      country: 'Germany',
      lifecyclestage: 'customer',
    },
    associations: [],
  });
  const devere = (await dataverse.create({ collection: 'accounts', data: { name: 'deVere Group', address1_country: 'GB' } })) as string;
  await dataverse.create({
    collection: 'contacts',
    data: {
      firstname: 'Grace',
      lastname: 'HOPPER',
      emailaddress1: 'grace@devere.example',
      address1_stateorprovince: 'ON',
      address1_country: 'CA',
      'parentcustomerid_account@odata.bind': `/accounts(${devere})`,
    },
  });
  await dataverse.create({
    collection: 'contacts',
    data: { firstname: 'Jan', lastname: 'van der Berg', emailaddress1: 'jan@devere.example', address1_country: 'Netherlands' },
  });
  await syncUntilQuiet(h);
}, 120_000);

afterAll(async () => h?.close());

describe('names', () => {
  it('company names keep the case they were entered with, in every CRM', async () => {
    const ada = await sfContact('ada@sap.example');
    expect(await sfAccountName(ada.AccountId!)).toBe('SAP SE');
    expect(await sfAccountName((await sfContact('grace@devere.example')).AccountId!)).toBe('deVere Group');
    expect((await hubspotContact('ronald@ibm.example')).company).toBe('IBM');
    expect((await hubspotContact('danny@kpmg.example')).company).toBe('KPMG LLP');
    expect((await hubspotContact('grace@devere.example')).company).toBe('deVere Group');
    const companies = (await hubspot.crm.companies.basicApi.getPage(100, undefined, ['name'])).results.map((c) => c.properties.name);
    expect(companies).toEqual(expect.arrayContaining(['IBM', 'KPMG LLP', 'deVere Group']));
    expect(await dataverseAccountName((await dataverseContact('ronald@ibm.example'))._parentcustomerid_value!)).toBe('IBM');
    expect(await dataverseAccountName((await dataverseContact('ada@sap.example'))._parentcustomerid_value!)).toBe('SAP SE');
    expect(await dataverseAccountName((await dataverseContact('danny@kpmg.example'))._parentcustomerid_value!)).toBe('KPMG LLP');
  });

  it('person names are re-cased only when typed all upper or all lower; McDonald and DeVito stay as entered', async () => {
    expect(await hubspotContact('ronald@ibm.example')).toMatchObject({ firstname: 'Ronald', lastname: 'McDonald' });
    expect(await hubspotContact('danny@kpmg.example')).toMatchObject({ firstname: 'Danny', lastname: 'DeVito' });
    expect(await sfContact('ada@sap.example')).toMatchObject({ FirstName: 'Ada', LastName: 'Lovelace' });
    expect(await dataverseContact('ronald@ibm.example')).toMatchObject({ firstname: 'Ronald', lastname: 'McDonald' });
    expect(await dataverseContact('danny@kpmg.example')).toMatchObject({ firstname: 'Danny', lastname: 'DeVito' });
    expect(await hubspotContact('grace@devere.example')).toMatchObject({ firstname: 'Grace', lastname: 'Hopper' });
    // Mixed case is the person's own, even where a word of it is all lower.
    expect(await hubspotContact('jan@devere.example')).toMatchObject({ firstname: 'Jan', lastname: 'van der Berg', country: 'Netherlands' });
    expect(await sfContact('jan@devere.example')).toMatchObject({ LastName: 'van der Berg' });
  });
});

describe('states and countries', () => {
  it('arrive as full names in HubSpot, Dataverse and Salesforce text fields', async () => {
    expect(await hubspotContact('ronald@ibm.example')).toMatchObject({ state: 'New York', country: 'United States' });
    expect(await hubspotContact('grace@devere.example')).toMatchObject({ state: 'Ontario', country: 'Canada' });
    expect(await dataverseContact('ronald@ibm.example')).toMatchObject({ address1_stateorprovince: 'New York', address1_country: 'United States' });
    expect(await dataverseContact('ada@sap.example')).toMatchObject({ address1_stateorprovince: 'Bavaria', address1_country: 'Germany' });
    expect(await sfContact('ada@sap.example')).toMatchObject({ MailingState: 'Bavaria', MailingCountry: 'Germany' });
    expect(await sfContact('grace@devere.example')).toMatchObject({ MailingState: 'Ontario', MailingCountry: 'Canada' });
  });

  it('the Salesforce org was found to keep states as text (one describe, before its first write)', async () => {
    const [row] = (await h.db.dataSource.query(`SELECT org_features FROM connections WHERE id = $1`, [h.connectionIds.get('SALESFORCE')])) as Array<{
      org_features: Record<string, boolean>;
    }>;
    expect(row!.org_features).toEqual({ statePicklists: false });
  });

  it('no CRM field Junction wrote holds an ISO 3166-2 code or a bare alpha-2 country code', async () => {
    // Each CRM's own people keep what its users typed ("NY", "CA"): only the people Junction wrote there count.
    const others = (entered: string[]) => PEOPLE.filter((e) => !entered.includes(e));
    const written: string[] = [];
    for (const email of others(['ada@sap.example'])) written.push(...Object.values(pick(await hubspotContact(email), ['state', 'country'])));
    for (const email of others(['grace@devere.example', 'jan@devere.example']))
      written.push(...Object.values(pick(await dataverseContact(email), ['address1_stateorprovince', 'address1_country'])));
    for (const email of others(['ronald@ibm.example', 'danny@kpmg.example']))
      written.push(...Object.values(pick(await sfContact(email), ['MailingState', 'MailingCountry'])));
    for (const c of (await hubspot.crm.companies.basicApi.getPage(100, undefined, ['country'])).results) written.push(c.properties.country ?? '');
    const values = written.filter((v) => v !== '');
    expect(values.length).toBeGreaterThanOrEqual(16);
    expect(values.filter((v) => ISO_SUBDIVISION.test(v) || /^[A-Z]{2}$/.test(v))).toEqual([]);
  });
});

describe('HubSpot lifecyclestage', () => {
  it('is never invented: a Salesforce Contact or a Dataverse contact gets none, a Salesforce Lead gets lead, HubSpot keeps its own', async () => {
    expect((await hubspotContact('ronald@ibm.example')).lifecyclestage ?? null).toBeNull();
    expect((await hubspotContact('grace@devere.example')).lifecyclestage ?? null).toBeNull();
    expect((await hubspotContact('danny@kpmg.example')).lifecyclestage).toBe('lead');
    expect((await hubspotContact('ada@sap.example')).lifecyclestage).toBe('customer');
  });

  let bea: string;
  let beaLead: string;

  it('is never moved backwards: a Salesforce Lead newer than HubSpot’s customer leaves HubSpot’s stage alone', async () => {
    const hs = await hubspot.crm.contacts.basicApi.create({
      properties: { email: 'bea@back.example', firstname: 'Bea', lastname: 'Back', lifecyclestage: 'customer' },
      associations: [],
    });
    beaLead = (await sf.sobject('Lead').create({ FirstName: 'Bea', LastName: 'Back', Email: 'bea@back.example', Company: 'Back Ltd' })).id!;
    await syncUntilQuiet(h);
    bea = await contactId('bea@back.example');
    // The Lead changes after HubSpot's stage: the store now holds LEAD, newer than HubSpot's customer.
    await startRequestLog(h, 'HUBSPOT');
    await sf.sobject('Lead').update({ Id: beaLead, Title: 'Buyer' });
    await syncUntilQuiet(h);
    expect(
      ((await h.db.dataSource.query(`SELECT lifecycle_stage FROM contacts WHERE id = $1`, [bea])) as Array<{ lifecycle_stage: string }>)[0]!.lifecycle_stage,
    ).toBe('LEAD');
    const writes = writesOnTheWire('HUBSPOT', await requestLog(h, 'HUBSPOT')).filter((w) => w.key === hs.id);
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.fields).not.toHaveProperty('lifecyclestage');
    expect(writes.some((w) => w.fields.jobtitle === 'Buyer')).toBe(true);
    expect(await hubspotContact('bea@back.example')).toMatchObject({ lifecyclestage: 'customer', jobtitle: 'Buyer' });
  });

  it('a backwards write HubSpot ignored is not recorded as applied: Junction keeps what HubSpot answered and reads HubSpot’s stage back', async () => {
    // HubSpot moved on after Junction's last look: Junction's known state still shows no stage
    // (a change in HubSpot between Junction's read and its write; set here on the known state,
    // because a run always reads before it writes).
    await h.db.dataSource.query(`UPDATE source_links SET known_state = known_state - 'lifecyclestage' WHERE connection_id = $1 AND record_id = $2`, [
      h.connectionIds.get('HUBSPOT'),
      bea,
    ]);
    await startRequestLog(h, 'HUBSPOT');
    await sf.sobject('Lead').update({ Id: beaLead, Title: 'Head Buyer' });
    await h.sync('SALESFORCE');
    await h.sync('HUBSPOT');
    const hubspotId = await remoteIdOf(h, 'HUBSPOT', bea);
    const sent = writesOnTheWire('HUBSPOT', await requestLog(h, 'HUBSPOT')).filter((w) => w.key === hubspotId);
    expect(sent.some((w) => w.fields.lifecyclestage === 'lead')).toBe(true);
    // HubSpot answered success and kept customer; so does Junction's known state.
    expect((await hubspotContact('bea@back.example')).lifecyclestage).toBe('customer');
    expect(await knownState('HUBSPOT', bea)).toMatchObject({ lifecyclestage: 'customer', jobtitle: 'Head Buyer' });
    // Reading HubSpot back is news, not an echo: the store learns the stage HubSpot kept.
    await h.sync('HUBSPOT');
    expect(
      ((await h.db.dataSource.query(`SELECT lifecycle_stage FROM contacts WHERE id = $1`, [bea])) as Array<{ lifecycle_stage: string }>)[0]!.lifecycle_stage,
    ).toBe('CONTACT');
  });
});

describe('diff-only writes', () => {
  it('one field changed in Salesforce reaches HubSpot and Dataverse as that field alone', async () => {
    await syncUntilQuiet(h);
    for (const kind of ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] as const) await startRequestLog(h, kind);
    const ronald = await contactId('ronald@ibm.example');
    const { Id } = await sfContact('ronald@ibm.example');
    await sf.sobject('Contact').update({ Id, Title: 'Chief Technology Officer' });
    await syncUntilQuiet(h);

    const hubspotId = await remoteIdOf(h, 'HUBSPOT', ronald);
    const toHubspot = writesOnTheWire('HUBSPOT', await requestLog(h, 'HUBSPOT')).filter((w) => w.key === hubspotId);
    // junction_id is the adapter's own stamp on every update by id.
    expect(toHubspot.map((w) => w.fields)).toEqual([{ jobtitle: 'Chief Technology Officer', junction_id: ronald }]);
    const dataverseId = await remoteIdOf(h, 'DYNAMICS', ronald);
    const toDataverse = writesOnTheWire('DYNAMICS', await requestLog(h, 'DYNAMICS')).filter((w) => w.key === dataverseId);
    expect(toDataverse.map((w) => w.fields)).toEqual([{ jobtitle: 'Chief Technology Officer', junction_id: ronald }]);
    // Nothing went back to Salesforce, and nobody else was written.
    expect(writesOnTheWire('SALESFORCE', await requestLog(h, 'SALESFORCE'))).toEqual([]);
    expect(writesOnTheWire('HUBSPOT', await requestLog(h, 'HUBSPOT'))).toHaveLength(1);
    expect((await hubspotContact('ronald@ibm.example')).jobtitle).toBe('Chief Technology Officer');
    expect((await dataverseContact('ronald@ibm.example')).jobtitle).toBe('Chief Technology Officer');
  });

  it('one field changed in HubSpot reaches Salesforce as that field alone (plus the keys it is written by)', async () => {
    for (const kind of ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] as const) await startRequestLog(h, kind);
    const ada = await contactId('ada@sap.example');
    await hubspot.crm.contacts.basicApi.update(await remoteIdOf(h, 'HUBSPOT', ada), { properties: { city: 'Walldorf' } });
    await syncUntilQuiet(h);
    const salesforceId = await remoteIdOf(h, 'SALESFORCE', ada);
    const toSalesforce = writesOnTheWire('SALESFORCE', await requestLog(h, 'SALESFORCE')).filter((w) => w.key === salesforceId);
    expect(toSalesforce.map((w) => w.fields)).toEqual([{ attributes: { type: 'Contact' }, MailingCity: 'Walldorf', id: salesforceId, Junction_Id__c: ada }]);
    expect(writesOnTheWire('DYNAMICS', await requestLog(h, 'DYNAMICS')).map((w) => w.fields)).toEqual([{ address1_city: 'Walldorf', junction_id: ada }]);
  });

  it('a change no other CRM maps is written nowhere: no call at all', async () => {
    for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) await startRequestLog(h, kind);
    const ada = await contactId('ada@sap.example');
    await hubspot.crm.contacts.basicApi.update(await remoteIdOf(h, 'HUBSPOT', ada), {
      properties: { hs_linkedin_url: 'https://www.linkedin.com/in/ada-lovelace' },
    });
    await syncUntilQuiet(h);
    expect(((await h.db.dataSource.query(`SELECT linkedin_url FROM contacts WHERE id = $1`, [ada])) as Array<{ linkedin_url: string }>)[0]!.linkedin_url).toBe(
      'https://www.linkedin.com/in/ada-lovelace',
    );
    expect(writesOnTheWire('SALESFORCE', await requestLog(h, 'SALESFORCE'))).toEqual([]);
    expect(writesOnTheWire('DYNAMICS', await requestLog(h, 'DYNAMICS'))).toEqual([]);
  });
});

describe('a quarantine fix', () => {
  it('goes back to the CRM it came from: that CRM still holds the bad value, whatever the fixed payload says', async () => {
    const { id: hubspotId } = await hubspot.crm.contacts.basicApi.create({
      properties: { email: 'fix@me.example', lastname: 'Fixme', phone: 'call me maybe' },
      associations: [],
    });
    await syncUntilQuiet(h);
    const [entry] = (await h.db.dataSource.query(`SELECT id FROM quarantine WHERE remote_id = $1 AND status = 'PENDING'`, [hubspotId])) as Array<{
      id: string;
    }>;
    expect(entry, 'the bad phone is quarantined').toBeDefined();
    const fixed = await new QuarantineService(h.db.dataSource, NO_EVENTS).retry(entry!.id, { phone: '+1 212 555 0100' });
    expect(fixed).toMatchObject({ ok: true, entry: { status: 'RESOLVED' } });
    await startRequestLog(h, 'HUBSPOT');
    await syncUntilQuiet(h);
    expect(
      writesOnTheWire('HUBSPOT', await requestLog(h, 'HUBSPOT'))
        .filter((w) => w.key === hubspotId)
        .map((w) => w.fields),
    ).toEqual([{ phone: '+12125550100', junction_id: await contactId('fix@me.example') }]);
    expect((await hubspot.crm.contacts.basicApi.getById(hubspotId, ['phone'])).properties.phone).toBe('+12125550100');
  });
});
