import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforce } from '../../../src/system/salesforce';
import type { RunningEmulator } from '../../../src/system';
import { SANDBOX } from '../../support/sync-harness';

describe('Salesforce lead conversion (SOAP convertLead) through jsforce', () => {
  let emulator: RunningEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emulator = await salesforce.startEmulator({ port: 0, provisioned: true });
    conn = new jsforce.Connection({ oauth2: { clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, loginUrl: emulator.url }, instanceUrl: emulator.url, refreshToken: SANDBOX.refreshToken, version: '59.0' });
    await conn.query('SELECT Id FROM Lead LIMIT 1'); // obtains the session lazily
  });
  afterAll(async () => emulator?.close());

  it('converts a lead into an account and a contact, and locks the lead', async () => {
    const lead = await conn.sobject('Lead').create({ FirstName: 'Mary', LastName: 'Jackson', Email: 'mary.jackson@nasa.example.com', Company: 'NASA Langley', Phone: '+1 757 555 0100' });
    const [result] = (await conn.soap.convertLead([{ leadId: lead.id as string, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true }])) as unknown as Array<{
      success: boolean | string;
      contactId: string;
      accountId: string;
      leadId: string;
    }>;
    expect(String(result!.success)).toBe('true');
    expect(result!.contactId).toMatch(/^003/);
    expect(result!.accountId).toMatch(/^001/);
    const converted = (await conn.sobject('Lead').retrieve(lead.id as string)) as Record<string, unknown>;
    expect(converted).toMatchObject({ IsConverted: true, ConvertedContactId: result!.contactId, ConvertedAccountId: result!.accountId, Status: 'Closed - Converted' });
    const contact = (await conn.sobject('Contact').retrieve(result!.contactId)) as Record<string, unknown>;
    expect(contact).toMatchObject({ Email: 'mary.jackson@nasa.example.com', LastName: 'Jackson', AccountId: result!.accountId });
    const account = (await conn.sobject('Account').retrieve(result!.accountId)) as Record<string, unknown>;
    expect(account.Name).toBe('NASA Langley');
    await expect(conn.sobject('Lead').update({ Id: lead.id as string, Title: 'Engineer' })).rejects.toMatchObject({ errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD' });
  });

  it('answers a converted or unknown lead with a per-lead error, and a bad session with the SOAP fault', async () => {
    const [unknown] = (await conn.soap.convertLead([{ leadId: '00Q000000000000AAA', convertedStatus: 'Closed - Converted' }])) as unknown as Array<{ success: string | boolean; errors: Array<{ statusCode: string; message: string }> }>;
    expect(String(unknown!.success)).toBe('false');
    expect(unknown!.errors).toEqual([{ message: 'invalid cross reference id', statusCode: 'INVALID_CROSS_REFERENCE_KEY' }]);
    const res = await fetch(`${emulator.url}/services/Soap/u/59.0`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: '""' },
      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><SessionHeader><sessionId>nope</sessionId></SessionHeader></soapenv:Header><soapenv:Body><convertLead/></soapenv:Body></soapenv:Envelope>',
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
  });
});
