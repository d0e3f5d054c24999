/**
 * Setup check and provisioning over GraphQL (issue 16 item 4): on a fresh emulator org
 * `connectionSetup` lists what is missing, `provisionConnection` creates it through the vendor's
 * metadata API (the vendor SDKs see it with the right flags), `testConnection` reports setup
 * problems, a sync before provisioning fails with a SCHEMA error naming the missing field (never
 * the vendor's INVALID_FIELD), and connecting to an emulator provisions it (autoProvision).
 */
import { demoPeople } from '../../src/system';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmKind } from '../../src/system';
import { resetEmulator } from '../support/emulators';
import { gql, startHarness, type Harness } from '../support/harness';
import { ONE_ATTEMPT, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { dataverseSdk, hubspotSdk, salesforceSdk } from '../support/vendor-sdks';

let h: SyncHarness;
let api: Harness;
let admin: string;
let viewer: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 3, crms: ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'], runRetry: ONE_ATTEMPT });
  api = await startHarness(h.db, { connections: h.connections });
  admin = `Bearer ${await api.keyFor('ADMIN')}`;
  viewer = `Bearer ${await api.keyFor('VIEWER')}`;
});

afterAll(async () => {
  await api?.server.close();
  await api?.bundle.close();
  await h?.close();
});

interface Setup {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; message: string; fixable: boolean }>;
}
const SETUP = 'query S($id: ID!) { connectionSetup(id: $id) { ready checks { name ok message fixable } } }';
const PROVISION = 'mutation P($id: ID!) { provisionConnection(id: $id) { ready checks { name ok message fixable } } }';
const idOf = (kind: CrmKind) => h.connectionIds.get(kind)!;
const emulatorOf = (kind: CrmKind) => h.emulators.get(kind)!;

async function setupOf(kind: CrmKind, auth = viewer): Promise<Setup> {
  const res = await gql<{ connectionSetup: Setup }>(api.url, SETUP, { id: idOf(kind) }, auth);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.connectionSetup;
}
async function provision(kind: CrmKind): Promise<Setup> {
  const res = await gql<{ provisionConnection: Setup }>(api.url, PROVISION, { id: idOf(kind) }, admin);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.provisionConnection;
}
const failing = (s: Setup) => s.checks.filter((c) => !c.ok).map((c) => c.name).sort();

describe('connecting to an emulator (autoProvision on for loopback URLs)', () => {
  it('provisioned every CRM when the connection was created: setup is ready and the setting shows on', async () => {
    for (const kind of ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] as const) expect(failing(await setupOf(kind))).toEqual([]);
    const res = await gql<{ connection: { settings: { autoProvision: boolean } } }>(api.url, 'query C($id: ID!) { connection(id: $id) { settings { autoProvision } } }', { id: idOf('HUBSPOT') }, viewer);
    expect(res.body.data!.connection.settings.autoProvision).toBe(true);
  });
});

describe('a fresh Salesforce org', () => {
  it('connectionSetup lists the missing fields; provisionConnection creates them; jsforce sees External ID and Unique', async () => {
    await resetEmulator(emulatorOf('SALESFORCE'), true);
    const before = await setupOf('SALESFORCE');
    expect(before.ready).toBe(false);
    expect(failing(before)).toEqual(
      expect.arrayContaining(['Contact.Junction_Id__c', 'Contact.Junction_Id__c field-level security', 'Account.Junction_Deleted__c', 'Lead.Junction_Id__c']),
    );
    expect(before.checks.filter((c) => !c.ok).every((c) => c.fixable)).toBe(true);
    // Provisioning is an ADMIN's: a viewer's call is refused.
    const refused = await gql(api.url, PROVISION, { id: idOf('SALESFORCE') }, viewer);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const after = await provision('SALESFORCE');
    expect(failing(after)).toEqual([]);
    expect(after.ready).toBe(true);
    const describe = await salesforceSdk(emulatorOf('SALESFORCE').url).sobject('Contact').describe();
    expect(describe.fields.find((f) => f.name === 'Junction_Id__c')).toMatchObject({ externalId: true, unique: true });
    expect(describe.fields.find((f) => f.name === 'Junction_Deleted__c')).toMatchObject({ type: 'boolean' });
  });
});

describe('a fresh HubSpot portal and a fresh Dataverse org', () => {
  it('provisionConnection creates the unique property and the Active alternate key; the SDKs see them', async () => {
    await resetEmulator(emulatorOf('HUBSPOT'), true);
    await resetEmulator(emulatorOf('DYNAMICS'), true);
    expect(failing(await setupOf('HUBSPOT'))).toEqual(['companies.junction_deleted', 'companies.junction_id', 'contacts.junction_deleted', 'contacts.junction_id']);
    expect(failing(await setupOf('DYNAMICS'))).toEqual(expect.arrayContaining(['contact alternate key on junction_id', 'contact.junction_id']));

    expect((await provision('HUBSPOT')).ready).toBe(true);
    expect((await provision('DYNAMICS')).ready).toBe(true);
    const hubspot = await hubspotSdk(emulatorOf('HUBSPOT').url);
    expect(await hubspot.crm.properties.coreApi.getByName('contacts', 'junction_id')).toMatchObject({ hasUniqueValue: true });
    const keys = await dataverseSdk(emulatorOf('DYNAMICS')).retrieve<{ value: Array<{ KeyAttributes: string[]; EntityKeyIndexStatus: string }> }>({
      collection: 'EntityDefinitions',
      key: "LogicalName='contact'",
      navigationProperty: 'Keys',
    });
    expect(keys.value).toEqual([expect.objectContaining({ KeyAttributes: ['junction_id'], EntityKeyIndexStatus: 'Active' })]);
  });
});

describe('before provisioning', () => {
  it('testConnection reports the setup problem, and a sync fails with a SCHEMA error naming the missing field, not the vendor’s INVALID_FIELD', async () => {
    await h.connections.update(idOf('SALESFORCE'), { settings: { autoProvision: false } });
    await resetEmulator(emulatorOf('SALESFORCE'), true);
    const test = await gql<{ testConnection: { ok: boolean; errorClass: string; message: string } }>(
      api.url,
      'mutation T($id: ID!) { testConnection(id: $id) { ok errorClass message } }',
      { id: idOf('SALESFORCE') },
      admin,
    );
    expect(test.body.data!.testConnection).toMatchObject({ ok: false, errorClass: 'SCHEMA' });
    expect(test.body.data!.testConnection.message).toMatch(/Contact\.Junction_Id__c/);

    const run = await h.sync('SALESFORCE');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^SCHEMA: /);
    expect(run.error).toMatch(/Junction_Id__c/);
    expect(run.error).not.toMatch(/INVALID_FIELD/);
    const logged = await h.sql<{ error_class: string; code: string }>('SELECT error_class, code FROM sync_errors WHERE connection_id = $1', [idOf('SALESFORCE')]);
    expect(logged).toEqual(expect.arrayContaining([expect.objectContaining({ error_class: 'SCHEMA', code: 'SETUP_INCOMPLETE' })]));

    // Provisioned, the same connection syncs.
    expect((await provision('SALESFORCE')).ready).toBe(true);
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
  });

  it('Dataverse: a sync of a fresh org fails with a SCHEMA error naming the missing column or key', async () => {
    await h.connections.update(idOf('DYNAMICS'), { settings: { autoProvision: false } });
    await resetEmulator(emulatorOf('DYNAMICS'), true);
    emulatorOf('SALESFORCE').seed(demoPeople(1, 98, 6_000));
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    const run = await h.sync('DYNAMICS');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^SCHEMA: setup incomplete/);
    expect(run.error).toMatch(/contact alternate key on junction_id/);
    expect((await provision('DYNAMICS')).ready).toBe(true);
    expect((await h.sync('DYNAMICS')).status).toBe('SUCCEEDED');
  });

  it('HubSpot: a sync of a fresh portal fails with a SCHEMA error naming the missing property, not the vendor’s PROPERTY_DOESNT_EXIST', async () => {
    await h.connections.update(idOf('HUBSPOT'), { settings: { autoProvision: false } });
    await resetEmulator(emulatorOf('HUBSPOT'), true);
    // A new person in Salesforce, for Junction to write into the fresh portal.
    emulatorOf('SALESFORCE').seed(demoPeople(1, 99, 5_000));
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    const run = await h.sync('HUBSPOT');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^SCHEMA: /);
    expect(run.error).toMatch(/junction_id/);
    expect(run.error).not.toMatch(/PROPERTY_DOESNT_EXIST|does not exist: POST/);
    const logged = await h.sql<{ error_class: string; code: string }>('SELECT error_class, code FROM sync_errors WHERE connection_id = $1', [idOf('HUBSPOT')]);
    expect(logged.map((l) => l.error_class)).not.toContain('VALIDATION');
    expect(logged).toEqual(expect.arrayContaining([expect.objectContaining({ error_class: 'SCHEMA', code: 'SETUP_INCOMPLETE' })]));

    // Provisioned, the same connection delivers the person.
    expect((await provision('HUBSPOT')).ready).toBe(true);
    expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
  });
});
