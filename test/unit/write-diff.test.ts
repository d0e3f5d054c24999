/**
 * What a write to each CRM carries, decided without a network: values in the CRM's terms
 * (names for ISO codes, picklist codes where the org has them), HubSpot's lifecycle stage only
 * for a lead and only forward, and for a linked record only what differs from its known state.
 */
import { describe, expect, it } from 'vitest';
import type { OutboundSnapshot } from '../../src/process/mapping/field-map';
import { mapperFor } from '../../src/process/mapping/registry';
import { changedFields, newRecordFields } from '../../src/process/mapping/write-diff';
import { knownAfterWrite, knownFromRead } from '../../src/process/sync/inbound/known-state';

const hubspot = mapperFor('HUBSPOT', 'contacts');
const sfContact = mapperFor('SALESFORCE', 'Contact');
const sfLead = mapperFor('SALESFORCE', 'Lead');
const dataverse = mapperFor('DYNAMICS', 'contacts');

const ada: OutboundSnapshot = {
  values: {
    email: 'ada@sap.example',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: null,
    title: 'CTO',
    city: 'Munich',
    state: 'DE-BY',
    country: 'DE',
    postalCode: '80331',
    linkedinUrl: null,
    lifecycleStage: 'CONTACT',
  },
  company: { name: 'SAP SE' },
};

describe('values in each CRM’s terms', () => {
  it('writes country and subdivision names, never ISO codes, to text fields', () => {
    expect(newRecordFields(hubspot, ada)).toMatchObject({ state: 'Bavaria', country: 'Germany', company: 'SAP SE' });
    expect(newRecordFields(sfContact, ada)).toMatchObject({ MailingState: 'Bavaria', MailingCountry: 'Germany' });
    expect(newRecordFields(dataverse, ada)).toMatchObject({ address1_stateorprovince: 'Bavaria', address1_country: 'Germany' });
    expect(newRecordFields(mapperFor('SALESFORCE', 'Account'), { values: { name: 'IBM', domain: 'ibm.com', country: 'US' } })).toEqual({
      Name: 'IBM',
      Website: 'ibm.com',
      BillingCountry: 'United States',
    });
  });

  it('writes the picklist codes instead where the org has state and country picklists, and reads them first', () => {
    const picklistOrg = sfContact.using(['statePicklists']);
    const fields = newRecordFields(picklistOrg, ada);
    expect(fields).toMatchObject({ MailingStateCode: 'BY', MailingCountryCode: 'DE' });
    expect(fields).not.toHaveProperty('MailingState');
    expect(fields).not.toHaveProperty('MailingCountry');
    expect(picklistOrg.remoteFields).toEqual(expect.arrayContaining(['MailingState', 'MailingStateCode', 'MailingCountry', 'MailingCountryCode']));
    expect(
      picklistOrg.toUnified({ MailingState: 'New York', MailingStateCode: 'CA', MailingCountryCode: 'US', MailingCountry: 'United States' }).record.values,
    ).toMatchObject({ state: 'CA', country: 'US' });
    expect(sfContact.orgFeatures).toEqual({ statePicklists: ['MailingStateCode', 'MailingCountryCode'] });
    expect(sfLead.using(['statePicklists']).toRemote({ values: { state: 'US-NY', country: 'US' } })).toMatchObject({
      StateCode: 'NY',
      CountryCode: 'US',
    });
  });

  it('passes an unrecognised value through as it was entered', () => {
    expect(newRecordFields(hubspot, { values: { state: 'Atlantis', country: 'Atlantis' } })).toMatchObject({ state: 'Atlantis', country: 'Atlantis' });
  });
});

describe('HubSpot lifecyclestage', () => {
  const lead: OutboundSnapshot = { values: { email: 'x@example.com', lifecycleStage: 'LEAD' } };
  const contact: OutboundSnapshot = { values: { email: 'x@example.com', lifecycleStage: 'CONTACT' } };

  it('is never invented: "not a lead" writes no stage; a lead writes lead', () => {
    expect(newRecordFields(hubspot, contact)).not.toHaveProperty('lifecyclestage');
    expect(newRecordFields(hubspot, lead)).toMatchObject({ lifecyclestage: 'lead' });
  });

  it.each([
    [{}, { lifecyclestage: 'lead' }],
    [{ lifecyclestage: 'subscriber' }, {}],
    [{ lifecyclestage: 'lead' }, {}],
    [{ lifecyclestage: 'salesqualifiedlead' }, {}],
    [{ lifecyclestage: 'customer' }, {}],
    [{ lifecyclestage: 'evangelist' }, {}],
    [{ lifecyclestage: 'portal_own_stage' }, {}],
  ])('a lead over a known stage %j writes %j (never backwards)', (stage, expected) => {
    expect(changedFields(hubspot, lead, { email: 'x@example.com', ...stage })).toEqual(expected);
  });

  it('a contact that is no longer a lead writes no stage at all', () => {
    expect(changedFields(hubspot, contact, { email: 'x@example.com', lifecyclestage: 'lead' })).toEqual({});
  });
});

describe('diff against the known state', () => {
  const known = knownFromRead(
    {
      email: 'ada@sap.example',
      firstname: 'ada',
      lastname: 'LOVELACE',
      phone: null,
      jobtitle: 'CEO',
      city: 'Munich',
      state: 'bavaria',
      country: 'DE',
      zip: '80331',
      company: 'SAP',
      lifecyclestage: 'customer',
      hs_linkedin_url: '',
    },
    hubspot.remoteFields,
  );

  it('keeps only the fields that hold a value', () => {
    expect(known).not.toHaveProperty('phone');
    expect(known).not.toHaveProperty('hs_linkedin_url');
    expect(known).toMatchObject({ state: 'bavaria', company: 'SAP' });
  });

  it('sends only what differs in the store’s terms: other spellings of the same value, and the same company by its key, are not written', () => {
    // title differs; "ada"/"LOVELACE" read as Ada Lovelace, "bavaria" as DE-BY, "SAP" is SAP SE by its key.
    expect(changedFields(hubspot, ada, known)).toEqual({ jobtitle: 'CTO' });
  });

  it('sends a cleared value as a null, and never a null for a field it never knew', () => {
    const cleared = { ...ada, values: { ...ada.values, city: null } };
    expect(changedFields(hubspot, cleared, known)).toEqual({ jobtitle: 'CTO', city: null });
    expect(changedFields(hubspot, { ...ada, values: { ...ada.values, title: 'CEO' } }, { ...known, phone: undefined as never })).toEqual({});
  });

  it('sends a company link only when it is another company', () => {
    const linked = { values: { lastName: 'Lovelace' }, company: { name: 'SAP SE', remoteId: '001A' } };
    expect(changedFields(sfContact, linked, { LastName: 'Lovelace', AccountId: '001A' })).toEqual({});
    expect(changedFields(sfContact, linked, { LastName: 'Lovelace', AccountId: '001B' })).toEqual({ AccountId: '001A' });
    expect(
      changedFields(
        dataverse,
        { values: { lastName: 'Lovelace' }, company: { name: 'SAP SE', remoteId: 'g-1' } },
        { lastname: 'Lovelace', _parentcustomerid_value: 'g-1' },
      ),
    ).toEqual({});
  });

  it('does not restate a Lead’s required Company on an update, but a new Lead gets it', () => {
    expect(changedFields(sfLead, { values: { lastName: 'Lovelace' } }, { LastName: 'Lovelace', Company: '[not provided]' })).toEqual({});
    expect(newRecordFields(sfLead, { values: { lastName: 'Lovelace' } })).toEqual({ LastName: 'Lovelace', Company: '[not provided]' });
  });

  it('after a write, knows what the CRM answered it kept rather than what was sent', () => {
    const after = knownAfterWrite(
      { email: 'x@example.com', lifecyclestage: 'customer' },
      { lifecyclestage: 'lead', jobtitle: 'CTO', city: null },
      { lifecyclestage: 'customer', jobtitle: 'CTO' },
    );
    expect(after).toEqual({ email: 'x@example.com', lifecyclestage: 'customer', jobtitle: 'CTO' });
    expect(knownAfterWrite(null, { 'parentcustomerid_account@odata.bind': '/accounts(g-1)', lastname: 'X' })).toEqual({ lastname: 'X' });
  });
});
