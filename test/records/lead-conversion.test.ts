/**
 * Converting a Salesforce Lead leaves exactly one unified contact, now linked to the new
 * Contact at lifecycle CONTACT, with no duplicate in any CRM and no echo afterwards.
 */
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';

describe('lead conversion through the sync', () => {
  let h: SyncHarness;
  let sf: Connection;
  const EMAIL = 'dorothy.vaughan@langley.example.com';

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 6, crms: ['SALESFORCE', 'HUBSPOT'] });
    const url = h.emulators.get('SALESFORCE')!.url;
    sf = new jsforce.Connection({ oauth2: { clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, loginUrl: url }, instanceUrl: url, refreshToken: SANDBOX.refreshToken, version: '59.0' });
  });
  afterAll(async () => h?.close());

  const settle = async () => {
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push(await h.syncAll());
    return rounds.at(-1)!;
  };

  it('moves the link to the converted Contact, with one contact everywhere', async () => {
    const lead = await sf.sobject('Lead').create({ FirstName: 'Dorothy', LastName: 'Vaughan', Email: EMAIL, Company: 'NACA Langley', Phone: '+1 757 555 0142' });
    await settle();
    const [before] = (await h.db.dataSource.query(`SELECT id, lifecycle_stage FROM contacts WHERE email = $1`, [EMAIL])) as Array<{ id: string; lifecycle_stage: string }>;
    expect(before!.lifecycle_stage).toBe('LEAD');

    const [converted] = (await sf.soap.convertLead([{ leadId: lead.id as string, convertedStatus: 'Closed - Converted', doNotCreateOpportunity: true }])) as unknown as Array<{ contactId: string }>;
    const quiet = await settle();

    const contacts = (await h.db.dataSource.query(`SELECT id, lifecycle_stage FROM contacts WHERE email = $1 AND merged_into IS NULL`, [EMAIL])) as Array<{ id: string; lifecycle_stage: string }>;
    expect(contacts).toEqual([{ id: before!.id, lifecycle_stage: 'CONTACT' }]);
    const sfLinks = (await h.db.dataSource.query(`SELECT remote_type, remote_id FROM source_links WHERE record_id = $1 AND connection_id = $2`, [before!.id, h.connectionIds.get('SALESFORCE')])) as Array<{
      remote_type: string;
      remote_id: string;
    }>;
    expect(sfLinks).toEqual([{ remote_type: 'Contact', remote_id: converted!.contactId }]);

    const hsPeople = (await (await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{ properties: Record<string, string | null>; archived?: boolean }>;
    const inHubspot = hsPeople.filter((p) => p.properties.email === EMAIL && !p.archived);
    expect(inHubspot).toHaveLength(1);
    // A converted Lead says "no longer a lead", not "customer": HubSpot keeps the stage it has
    // (lead, from the Lead) until someone there moves it on; Junction invents none.
    expect(inHubspot[0]!.properties.lifecyclestage).toBe('lead');
    const sfContacts = (await sf.query<{ Id: string }>(`SELECT Id FROM Contact WHERE Email = '${EMAIL}'`)).records;
    expect(sfContacts).toHaveLength(1);
    expect(quiet.map((r) => r.recordsWritten)).toEqual([0, 0]);
  });
});
