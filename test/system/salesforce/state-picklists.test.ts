/**
 * State and country picklists in the Salesforce emulator (crm-wire.md §6.1 item 5), through
 * jsforce 3.10.16 as an integration would meet them: an org setting switched on and off through
 * `POST /_emulator/settings`; describe lists the code fields with their values; a valid code
 * fills the text field and a valid name fills the code; a name or code the org does not list
 * is refused per record with FIELD_INTEGRITY_EXCEPTION and Salesforce's own messages.
 */
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system/emulator-kit';
import { salesforce } from '../../../src/system/salesforce';
import { admin } from '../../support/emulators';
import { adapterFor, connect, startEmulator } from '../../support/crms/salesforce';

interface SaveFailure {
  success: false;
  errors: Array<{ statusCode?: string; errorCode?: string; message: string; fields?: string[] }>;
}

let emu: RunningEmulator;
let conn: Connection;

beforeAll(async () => {
  emu = await startEmulator();
  // A new org has the picklists on; this file starts from an older org's setup, with them off, and turns them on.
  await admin(emu.url, 'POST', 'settings', { statePicklists: false });
  conn = connect(emu.url);
});

afterAll(async () => {
  await emu.close();
});

const describeFields = async (object: string) => (await conn.sobject(object).describe()).fields;
const contact = async (id: string) => (await conn.sobject('Contact').retrieve(id)) as unknown as Record<string, unknown>;

/** jsforce throws an HttpApiError for a single-record failure: Salesforce's errorCode and message, and the error entry (with its fields) as `data`. */
async function refusal(write: Promise<unknown>): Promise<{ errorCode: string; message: string; fields?: string[] }> {
  try {
    await write;
  } catch (err) {
    const e = err as { errorCode: string; message: string; data?: { fields?: string[] } };
    return { errorCode: e.errorCode, message: e.message, fields: e.data?.fields };
  }
  throw new Error('expected Salesforce to refuse the write');
}

describe('an org without state and country picklists (the setting off)', () => {
  it('has only the text fields, which take any text', async () => {
    expect(await admin(emu.url, 'GET', 'settings')).toEqual({ statePicklists: false });
    const names = (await describeFields('Contact')).map((f) => f.name);
    expect(names).toContain('MailingState');
    expect(names).not.toContain('MailingStateCode');
    const created = await conn.sobject('Contact').create({ LastName: 'Text', MailingState: 'N.Y.', MailingCountry: 'USA' });
    expect(await contact(created.id!)).toMatchObject({ MailingState: 'N.Y.', MailingCountry: 'USA' });
  });
});

describe('an org with state and country picklists', () => {
  let textOnly: string;

  beforeAll(async () => {
    textOnly = (await conn.sobject('Contact').create({ LastName: 'Before', MailingState: 'New York', MailingCountry: 'US' })).id!;
    expect(await admin(emu.url, 'POST', 'settings', { statePicklists: true })).toEqual({ statePicklists: true });
  });

  it('describes the code fields of every address as picklists of ISO codes, states depending on their country', async () => {
    const fields = await describeFields('Contact');
    const byName = new Map(fields.map((f) => [f.name, f]));
    for (const name of ['MailingStateCode', 'MailingCountryCode', 'OtherStateCode', 'OtherCountryCode']) expect(byName.get(name)?.type, name).toBe('picklist');
    const countries = byName.get('MailingCountryCode')!.picklistValues!;
    const states = byName.get('MailingStateCode')!;
    expect(countries).toContainEqual(expect.objectContaining({ value: 'US', label: 'United States' }));
    expect(states.controllerName).toBe('MailingCountryCode');
    expect(states.dependentPicklist).toBe(true);
    const ny = states.picklistValues!.find((v) => v.value === 'NY' && v.label === 'New York')!;
    expect(ny).toBeDefined();
    expect(states.picklistValues!.some((v) => v.value.includes('-') && v.value.startsWith('US-'))).toBe(false);
    // validFor is a bitmap over the country list: New York is valid for the United States only.
    const usIndex = countries.findIndex((c) => c.value === 'US');
    const bits = Buffer.from(ny.validFor!, 'base64');
    const set = [...bits].flatMap((byte, i) => [0, 1, 2, 3, 4, 5, 6, 7].filter((b) => byte & (0x80 >> b)).map((b) => i * 8 + b));
    expect(set).toEqual([usIndex]);
    expect((await describeFields('Lead')).map((f) => f.name)).toEqual(expect.arrayContaining(['StateCode', 'CountryCode']));
    expect((await describeFields('Account')).map((f) => f.name)).toEqual(expect.arrayContaining(['BillingStateCode', 'BillingCountryCode', 'ShippingStateCode', 'ShippingCountryCode']));
    // Junction's adapter sees them in the org's field list.
    expect(await adapterFor(emu.url).describeFields('Contact')).toEqual(expect.arrayContaining(['MailingStateCode', 'MailingCountryCode']));
  });

  it('gave the values already kept their codes when the setting was turned on', async () => {
    expect(await contact(textOnly)).toMatchObject({ MailingState: 'New York', MailingStateCode: 'NY', MailingCountry: 'United States', MailingCountryCode: 'US' });
  });

  it('fills the text fields from valid codes, and the codes from valid names', async () => {
    const byCode = await conn.sobject('Contact').create({ LastName: 'Codes', MailingCountryCode: 'DE', MailingStateCode: 'BY' });
    expect(await contact(byCode.id!)).toMatchObject({ MailingCountryCode: 'DE', MailingCountry: 'Germany', MailingStateCode: 'BY', MailingState: 'Bavaria' });
    const byName = await conn.sobject('Lead').create({ LastName: 'Names', Company: 'SAP SE', Country: 'Canada', State: 'Ontario' });
    expect(await conn.sobject('Lead').retrieve(byName.id!)).toMatchObject({ CountryCode: 'CA', Country: 'Canada', StateCode: 'ON', State: 'Ontario' });
    await conn.sobject('Contact').update({ Id: byCode.id!, MailingCountryCode: 'US', MailingStateCode: 'CA' });
    expect(await contact(byCode.id!)).toMatchObject({ MailingCountry: 'United States', MailingState: 'California' });
    // On create the code wins over a name that disagrees.
    const mixed = await conn.sobject('Contact').create({ LastName: 'Mixed', MailingCountryCode: 'US', MailingStateCode: 'TX', MailingState: 'Ohio' });
    expect(await contact(mixed.id!)).toMatchObject({ MailingStateCode: 'TX', MailingState: 'Texas' });
  });

  it('refuses what the lists do not hold with FIELD_INTEGRITY_EXCEPTION and Salesforce’s messages', async () => {
    const abbreviation = await refusal(conn.sobject('Contact').create({ LastName: 'X', MailingCountry: 'United States', MailingState: 'NY' }));
    expect(abbreviation).toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: "There's a problem with this state, even though it may appear correct. Please select a state from the list of valid states.",
      fields: ['MailingState'],
    });
    const iso = await refusal(conn.sobject('Contact').create({ LastName: 'X', MailingCountryCode: 'US', MailingStateCode: 'US-NY' }));
    expect(iso).toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: "The MailingStateCode field contains US-NY, which isn't an available state. Your administrator can add it for you.",
      fields: ['MailingStateCode'],
    });
    const country = await refusal(conn.sobject('Contact').create({ LastName: 'X', MailingCountry: 'Atlantis' }));
    expect(country).toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: "There's a problem with this country, even though it may appear correct. Please select a country/territory from the list of valid countries.",
      fields: ['MailingCountry'],
    });
    const elsewhere = await refusal(conn.sobject('Contact').create({ LastName: 'X', MailingCountryCode: 'DE', MailingStateCode: 'NY' }));
    expect(elsewhere).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: "The existing country/territory doesn't recognize the state value for field: Mailing State/Province Code" });
    const noCountry = await refusal(conn.sobject('Lead').create({ LastName: 'X', Company: 'Y', State: 'Ohio' }));
    expect(noCountry).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['State'] });
    // An update that disagrees with itself is refused (only a create lets the code win).
    const id = (await conn.sobject('Contact').create({ LastName: 'Kept', MailingCountryCode: 'US', MailingStateCode: 'NY' })).id!;
    const mismatch = await refusal(conn.sobject('Contact').update({ Id: id, MailingStateCode: 'TX', MailingState: 'Ohio' }));
    expect(mismatch).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['MailingState'] });
    expect(await contact(id)).toMatchObject({ MailingStateCode: 'NY', MailingState: 'New York' });
  });

  it('refuses per record in a collection: the others are written, the bad one is a 400-class SaveResult', async () => {
    const results = (await conn.sobject('Contact').create(
      [
        { LastName: 'Good', MailingCountryCode: 'US', MailingStateCode: 'NY' },
        { LastName: 'Bad', MailingCountry: 'United States', MailingState: 'NY' },
      ],
      { allOrNone: false },
    )) as Array<{ success: boolean; id?: string } | SaveFailure>;
    expect(results[0]!.success).toBe(true);
    expect(results[1]).toMatchObject({ success: false, errors: [expect.objectContaining({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['MailingState'] })] });
  });

  it('is switched off again through the admin API, and on from the start, as in a new org', async () => {
    expect(await admin(emu.url, 'POST', 'settings', { statePicklists: false })).toEqual({ statePicklists: false });
    expect((await describeFields('Contact')).map((f) => f.name)).not.toContain('MailingStateCode');
    await expect(admin(emu.url, 'POST', 'settings', { statePicklists: 'yes' })).rejects.toThrow(/400.*statePicklists must be true or false/);
    await expect(admin(emu.url, 'POST', 'settings', { colour: true })).rejects.toThrow(/400.*unknown Salesforce org setting colour/);
    const fresh = await salesforce.startEmulator({ port: 0, provisioned: true });
    try {
      expect(await admin(fresh.url, 'GET', 'settings')).toEqual({ statePicklists: true });
      expect((await connect(fresh.url).sobject('Contact').describe()).fields.map((f) => f.name)).toContain('MailingStateCode');
    } finally {
      await fresh.close();
    }
  });
});
