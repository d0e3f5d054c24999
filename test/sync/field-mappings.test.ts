/**
 * Field mappings as versioned data (issue 17 items 3, 4), end to end: real emulators over
 * HTTP, the real database, the real GraphQL API. HubSpot's jobtitle is remapped to INBOUND
 * only and its lifecycle stages get a value map through setFieldMappings; the next runs
 * follow it, mappingHistory shows author, diff and the dry test batch, and rollbackMapping
 * restores the previous behaviour. An invalid mapping is refused with its reason and changes
 * nothing. The data dictionary reads the live mappings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dictionaryMarkdown } from '../../src/process/mapping/data-dictionary';
import { FieldMappingService } from '../../src/process/mapping/field-mapping.service';
import { gql, startHarness, type Harness } from '../support/harness';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { contactLinkedTo, emulatorRecords, hubspotUpdate, remoteIdOf, salesforceCreate, salesforceUpdate } from './support';

const FIELD_MAPPINGS = `query FieldMappings($connectionId: ID!) {
  fieldMappings(connectionId: $connectionId) { version entries { recordKind field remoteObject remoteField direction transform valueMap } }
}`;
const SET_FIELD_MAPPINGS = `mutation SetFieldMappings($connectionId: ID!, $entries: [FieldMappingInput!]!, $note: String) {
  setFieldMappings(connectionId: $connectionId, entries: $entries, note: $note) { version entries { recordKind field remoteObject remoteField direction } }
}`;
const MAPPING_HISTORY = `query MappingHistory($connectionId: ID!, $first: Int) {
  mappingHistory(connectionId: $connectionId, first: $first) {
    totalCount
    edges { node { version createdAt author note testBatch { status recordsRead recordsQuarantined } diff } }
  }
}`;
const ROLLBACK = `mutation RollbackMapping($connectionId: ID!, $version: Int!) { rollbackMapping(connectionId: $connectionId, version: $version) { version } }`;
const DICTIONARY = `query DataDictionary {
  dataDictionary { recordKind field type description mappings { connection { id kind } remoteObject remoteField direction } }
}`;

interface Entry {
  recordKind: string;
  field: string;
  remoteObject: string;
  remoteField: string;
  direction: string;
  transform?: string | null;
  valueMap?: Record<string, string> | null;
}
interface VersionNode {
  version: number;
  author: string;
  note: string | null;
  diff: Array<{ remoteObject: string; field: string; before: Entry | null; after: Entry | null }>;
  testBatch: { status: string; recordsRead: number; recordsQuarantined: number } | null;
}

let h: SyncHarness;
let api: Harness;
let admin: string;
let hubspot: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT'] });
  // The API over the harness's connection service: its cipher reads the CRMs.
  api = await startHarness(h.db, { connections: h.connections });
  admin = await api.keyFor('ADMIN');
  hubspot = h.connectionIds.get('HUBSPOT')!;
  for (const run of await h.syncAll()) expect(run.status, run.error ?? '').toBe('SUCCEEDED');
});

afterAll(async () => {
  await api?.close();
  await h?.close();
});

const mappings = async () => {
  const res = await gql<{ fieldMappings: { version: number; entries: Entry[] } }>(api.url, FIELD_MAPPINGS, { connectionId: hubspot }, admin);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.fieldMappings;
};
const setMappings = (entries: Entry[], note?: string) => gql<{ setFieldMappings: { version: number; entries: Entry[] } }>(api.url, SET_FIELD_MAPPINGS, { connectionId: hubspot, entries, note }, admin);
const history = async () => {
  const res = await gql<{ mappingHistory: { totalCount: number; edges: Array<{ node: VersionNode }> } }>(api.url, MAPPING_HISTORY, { connectionId: hubspot, first: 10 }, admin);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.mappingHistory;
};
const entryOf = (entries: Entry[], field: string) => entries.find((e) => e.remoteObject === 'contacts' && e.field === field)!;
const hubspotContact = async (id: string) => (await emulatorRecords(h, 'HUBSPOT', 'contacts')).find((r) => r.id === id)!.properties as Record<string, unknown>;

/** Creates a HubSpot contact as a person there would (`POST /crm/v3/objects/contacts`); returns its id. */
async function hubspotCreate(properties: Record<string, string>): Promise<string> {
  const base = h.emulators.get('HUBSPOT')!.url;
  const form = { client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret, refresh_token: SANDBOX.refreshToken };
  const token = await fetch(`${base}/oauth/v1/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', ...form }) });
  const { access_token } = (await token.json()) as { access_token: string };
  const res = await fetch(`${base}/crm/v3/objects/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  const body = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

describe('version 1', () => {
  it('is the code’s mapping: every field of every HubSpot object, the lifecycle stage with its value map', async () => {
    const current = await mappings();
    expect(current.version).toBe(1);
    expect(entryOf(current.entries, 'title')).toEqual({ recordKind: 'CONTACT', field: 'title', remoteObject: 'contacts', remoteField: 'jobtitle', direction: 'BOTH', transform: null, valueMap: null });
    expect(entryOf(current.entries, 'lifecycleStage').valueMap).toMatchObject({ lead: 'LEAD', opportunity: 'CONTACT' });
    expect(current.entries.filter((e) => e.remoteObject === 'companies').map((e) => e.field)).toEqual(['name', 'domain', 'country']);
  });
});

describe('an invalid mapping', () => {
  it('is refused with the reason and changes nothing', async () => {
    const title = entryOf((await mappings()).entries, 'title');
    const missing = await setMappings([{ ...title, remoteField: 'job_title_typo' }]);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing.body.errors![0]!.message).toContain('HUBSPOT contacts has no field job_title_typo');
    const misfit = await setMappings([{ ...title, remoteField: 'createdate' }]);
    expect(misfit.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(misfit.body.errors![0]!.message).toMatch(/contacts\.createdate is a datetime field, which does not fit the text field title \(use transform DATE_ISO\)/);
    const shape = await setMappings([{ ...title, field: 'shoeSize' }, { ...title, remoteObject: 'deals' }]);
    expect(shape.body.errors![0]!.message).toMatch(/shoeSize is not a unified contact field.*no synced object deals/);
    const viewer = await gql(api.url, SET_FIELD_MAPPINGS, { connectionId: hubspot, entries: [{ ...title, direction: 'NONE' }] }, await api.keyFor('VIEWER'));
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await mappings()).version).toBe(1);
    expect((await history()).totalCount).toBe(0);
    const [row] = (await h.db.dataSource.query(`SELECT field_mappings FROM connections WHERE id = $1`, [hubspot])) as Array<{ field_mappings: unknown }>;
    expect(row!.field_mappings).toBeNull();
  });
});

describe('a remapped jobtitle and lifecycle stage', () => {
  let contactId: string;
  let hsId: string;
  let sfId: string;
  let stagedId: string;

  it('starts out writing a Salesforce title change to HubSpot’s jobtitle', async () => {
    sfId = await salesforceCreate(h, 'Contact', { FirstName: 'Grace', LastName: 'Hopper', Email: 'grace.hopper@navy.example.com', Title: 'Engineer' });
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    contactId = (await contactLinkedTo(h, 'SALESFORCE', sfId)).id;
    expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
    hsId = await remoteIdOf(h, 'HUBSPOT', contactId);
    expect((await hubspotContact(hsId)).jobtitle).toBe('Engineer');
  });

  it('is a new version with its author, note and diff, tried in a dry test batch', async () => {
    const before = await mappings();
    const stage = entryOf(before.entries, 'lifecycleStage');
    const set = await setMappings(
      [
        { ...entryOf(before.entries, 'title'), direction: 'INBOUND' },
        { ...stage, valueMap: { ...stage.valueMap, opportunity: 'LEAD' } },
      ],
      'jobtitle is kept in HubSpot; opportunities are still leads here',
    );
    expect(set.body.errors).toBeUndefined();
    expect(set.body.data!.setFieldMappings.version).toBe(2);
    expect(entryOf(set.body.data!.setFieldMappings.entries, 'title').direction).toBe('INBOUND');
    const { totalCount, edges } = await history();
    expect(totalCount).toBe(2);
    const v2 = edges[0]!.node;
    expect(v2).toMatchObject({ version: 2, author: 'test admin', note: 'jobtitle is kept in HubSpot; opportunities are still leads here' });
    expect(v2.diff.map((d) => d.field).sort()).toEqual(['lifecycleStage', 'title']);
    const title = v2.diff.find((d) => d.field === 'title')!;
    expect([title.before!.direction, title.after!.direction]).toEqual(['BOTH', 'INBOUND']);
    expect(v2.testBatch).toMatchObject({ status: 'SUCCEEDED', recordsQuarantined: 0 });
    // The CRM's first records (up to 10) from the start, whatever the sync's cursor: here HubSpot's only contact.
    const held = (await emulatorRecords(h, 'HUBSPOT', 'contacts')).length + (await emulatorRecords(h, 'HUBSPOT', 'companies')).length;
    expect(v2.testBatch!.recordsRead).toBe(Math.min(10, held));
    expect(edges[1]!.node).toMatchObject({ version: 1, author: 'junction', diff: [], testBatch: null });
    // A dry run keeps nothing: HubSpot's record is as it was.
    expect((await hubspotContact(hsId)).jobtitle).toBe('Engineer');
  });

  it('the next runs follow it: a title change stays out of HubSpot, an opportunity reads as a lead', async () => {
    await salesforceUpdate(h, 'Contact', sfId, { Title: 'Director' });
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    expect((await contactLinkedTo(h, 'SALESFORCE', sfId)).title).toBe('Director');
    const run = await h.sync('HUBSPOT');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect((await hubspotContact(hsId)).jobtitle).toBe('Engineer');

    stagedId = await hubspotCreate({ email: 'ann.opportunity@initech.example.com', firstname: 'Ann', lastname: 'Opportunity', lifecyclestage: 'opportunity' });
    expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
    expect((await contactLinkedTo(h, 'HUBSPOT', stagedId)).lifecycle_stage).toBe('LEAD');
  });

  it('rollbackMapping restores the previous behaviour, as a new version', async () => {
    const res = await gql<{ rollbackMapping: { version: number } }>(api.url, ROLLBACK, { connectionId: hubspot, version: 1 }, admin);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.rollbackMapping.version).toBe(3);
    const v3 = (await history()).edges[0]!.node;
    expect(v3).toMatchObject({ version: 3, author: 'test admin', note: 'rollback to version 1', testBatch: { status: 'SUCCEEDED' } });
    expect(entryOf((await mappings()).entries, 'title').direction).toBe('BOTH');

    // The lifecycle stage reads as the code reads it again (the record changed, so it is read again).
    await hubspotUpdate(h, 'contacts', stagedId, { firstname: 'Annie' });
    expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
    expect((await contactLinkedTo(h, 'HUBSPOT', stagedId)).lifecycle_stage).toBe('CONTACT');

    await salesforceUpdate(h, 'Contact', sfId, { Title: 'Vice President' });
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    const run = await h.sync('HUBSPOT');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect((await hubspotContact(hsId)).jobtitle).toBe('Vice President');
  });

  it('an unknown version or connection is NOT_FOUND', async () => {
    const res = await gql(api.url, ROLLBACK, { connectionId: hubspot, version: 42 }, admin);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [query, variables] of [
      [MAPPING_HISTORY, { connectionId: unknown }],
      [FIELD_MAPPINGS, { connectionId: unknown }],
      [ROLLBACK, { connectionId: unknown, version: 1 }],
    ] as const)
      expect((await gql(api.url, query, variables, admin)).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('the data dictionary', () => {
  it('lists every unified field with its meaning and each connection’s live mapping', async () => {
    const remap = await setMappings([{ recordKind: 'CONTACT', field: 'title', remoteObject: 'contacts', remoteField: 'jobtitle', direction: 'INBOUND' }]);
    expect(remap.body.errors).toBeUndefined();
    const res = await gql<{
      dataDictionary: Array<{ recordKind: string; field: string; type: string; description: string; mappings: Array<{ connection: { id: string; kind: string }; remoteObject: string; remoteField: string; direction: string }> }>;
    }>(api.url, DICTIONARY, {}, await api.keyFor('VIEWER'));
    expect(res.body.errors).toBeUndefined();
    const fields = res.body.data!.dataDictionary;
    expect(fields.filter((f) => f.recordKind === 'CONTACT').map((f) => f.field)).toEqual(expect.arrayContaining(['email', 'title', 'lifecycleStage', 'postalCode']));
    const title = fields.find((f) => f.recordKind === 'CONTACT' && f.field === 'title')!;
    expect(title.type).toBe('TEXT');
    expect(title.mappings.map((m) => `${m.connection.kind} ${m.remoteObject}.${m.remoteField} ${m.direction}`).sort()).toEqual([
      'HUBSPOT contacts.jobtitle INBOUND',
      'SALESFORCE Contact.Title BOTH',
      'SALESFORCE Lead.Title BOTH',
    ]);

    const markdown = dictionaryMarkdown(await new FieldMappingService({ db: h.db.dataSource, connections: h.connections }).dictionary());
    expect(markdown).toContain('| `title` | HUBSPOT test (HUBSPOT) | `contacts.jobtitle` | INBOUND | — | — |');
    expect(markdown).toMatch(/\| `email` \| EMAIL \| .* \| .* \|/);
  });
});

describe('a mapping the CRM’s data does not fit', () => {
  it('is written with a FAILED test batch naming why, and the batch keeps nothing', async () => {
    for (let i = 0; i < 5; i++) await hubspotCreate({ email: `fit${i}@initech.example.com`, firstname: `Fit${i}`, lastname: 'Check' });
    const [{ n: waiting }] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM quarantine`)) as Array<{ n: number }>;
    const email = entryOf((await mappings()).entries, 'email');
    // A person's first name is no email address: every record would be quarantined.
    const set = await setMappings([{ ...email, remoteField: 'firstname' }], 'a mistake');
    expect(set.body.errors).toBeUndefined();
    const res = await gql<{ mappingHistory: { edges: Array<{ node: { testBatch: { status: string; recordsRead: number; recordsQuarantined: number; reason: string } } }> } }>(
      api.url,
      `query($id: ID!) { mappingHistory(connectionId: $id, first: 1) { edges { node { testBatch { status recordsRead recordsQuarantined reason } } } } }`,
      { id: hubspot },
      admin,
    );
    const batch = res.body.data!.mappingHistory.edges[0]!.node.testBatch;
    // Every contact read is mapped under the new version (those Junction holds already too) and would be quarantined.
    expect(batch.status).toBe('FAILED');
    expect(batch.recordsQuarantined).toBeGreaterThanOrEqual(7);
    expect(batch.reason).toMatch(/of the \d+ test-batch records were quarantined/);
    const [{ n: after }] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM quarantine`)) as Array<{ n: number }>;
    expect(after).toBe(waiting);
  });
});
