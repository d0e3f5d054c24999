/**
 * Issue 14, finding 6: a PARTNER reads contacts, and contacts name their connections — but a
 * PARTNER sees a connection's id and kind only. Every other Connection field answers FORBIDDEN
 * however it is reached (contacts…sources, fieldProvenance, companies…sources, the
 * upsertContacts result), while VIEWER, OPERATOR and ADMIN see them as before; over HTTP and
 * over graphql-ws (where a PARTNER key cannot open a socket at all).
 */
import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildJunctionSchema, createJunctionPubSub } from '../../src/experience';
import { FIELD_RULES } from '../../src/experience/auth/field-rules';
import type { Role } from '../../src/process/access';
import { gql, useHarness, type GqlResponse } from '../support/harness';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../support/builders';
import { useDatabase } from '../support/database';
import { wsRun } from './support';

/** Values only an operator should see; none may appear in a PARTNER's answer. */
const SECRET = {
  name: 'sf-internal-name-7f3a',
  baseUrl: 'http://10.20.30.40:8443',
  statusReason: 'refresh token revoked by admin@corp.example',
  customRemote: 'Internal_Score__c',
};
const DETAILS = `id kind name baseUrl status statusReason tokenExpiresAt apiUsage { used limit } customFields { remote }`;
const ID_KIND = `id kind`;

const paths = {
  contactsSources: (sel: string) => `{ contacts(first: 5) { edges { node { id sources { connection { ${sel} } } } } } }`,
  provenance: (sel: string) => `query($id: ID!) { contact(id: $id) { id fieldProvenance { field connection { ${sel} } } } }`,
  companiesSources: (sel: string) => `{ companies(first: 5) { edges { node { id sources { connection { ${sel} } } } } } }`,
  upsert: (sel: string) =>
    `mutation($input: [ContactInput!]!, $key: String!) { upsertContacts(input: $input, idempotencyKey: $key) { results { outcome contact { id sources { connection { ${sel} } } } } } }`,
};

const db = useDatabase();
const h = useHarness(db);
let contactId: string;
let connectionId: string;
const keys = new Map<Role, string>();
let upserts = 0;

beforeAll(async () => {
  for (const role of ['VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'] as Role[]) keys.set(role, await h.keyFor(role));
  const ds = db.dataSource;
  connectionId = await insertConnection(ds, {
    name: SECRET.name,
    base_url: SECRET.baseUrl,
    status: 'DEGRADED',
    status_reason: SECRET.statusReason,
    token_expires_at: new Date('2031-01-01T00:00:00Z'),
    api_used: 250,
    api_limit: 1000,
    settings: JSON.stringify({ customFields: [{ object: 'Contact', remote: SECRET.customRemote }] }),
  });
  const companyId = await insertCompany(ds, { name: 'Acme' });
  contactId = await insertContact(ds, { email: 'ada@acme.example', company_id: companyId });
  await insertSourceLink(ds, { record_id: contactId, connection_id: connectionId });
  await insertSourceLink(ds, { record_kind: 'COMPANY', record_id: companyId, connection_id: connectionId, remote_type: 'Account', remote_id: '001A' });
  await ds.query(`INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at) VALUES ($1, 'email', '"ada@acme.example"', $2, now())`, [contactId, connectionId]);
});

async function ask(path: keyof typeof paths, sel: string, role: Role): Promise<GqlResponse> {
  const variables = path === 'provenance' ? { id: contactId } : path === 'upsert' ? { input: [{ email: 'ada@acme.example', firstName: 'Ada', lastName: 'Lovelace' }], key: `field-auth-${++upserts}` } : {};
  return gql(h.url, paths[path](sel), variables, keys.get(role));
}

const codesOf = (r: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) => [...new Set((r.body.errors ?? []).map((e) => e.extensions?.code))];
const leaks = (body: unknown) => Object.values(SECRET).filter((v) => JSON.stringify(body).includes(v));

describe.each(Object.keys(paths) as Array<keyof typeof paths>)('a connection reached through %s', (path) => {
  const readers: Role[] = path === 'upsert' ? ['OPERATOR', 'ADMIN'] : ['VIEWER', 'OPERATOR', 'ADMIN'];

  it('as PARTNER: id and kind answer; any detail answers FORBIDDEN and leaks nothing', async () => {
    const open = await ask(path, ID_KIND, 'PARTNER');
    expect(open.body.errors).toBeUndefined();
    expect(JSON.stringify(open.body.data)).toContain(connectionId);
    expect(JSON.stringify(open.body.data)).toContain('"kind":"SALESFORCE"');

    const closed = await ask(path, DETAILS, 'PARTNER');
    expect(codesOf(closed)).toEqual(['FORBIDDEN']);
    expect(closed.body.errors![0]!.message).toMatch(/Connection fields other than id and kind need one of the roles VIEWER .*your key is PARTNER/);
    expect(closed.body.errors![0]!.path).toContain('connection');
    expect(leaks(closed.body)).toEqual([]);
  });

  it.each(readers)('as %s: every detail answers as before', async (role) => {
    const res = await ask(path, DETAILS, role);
    expect(res.body.errors).toBeUndefined();
    const text = JSON.stringify(res.body.data);
    for (const value of Object.values(SECRET)) expect(text).toContain(value);
    expect(text).toContain('"apiUsage":{"used":250,"limit":1000}');
    expect(text).toContain('"tokenExpiresAt":"2031-01-01T00:00:00.000Z"');
  });
});

describe('default deny on Connection', () => {
  it('refuses a PARTNER every Connection field but id and kind, fields added later included', async () => {
    const bundle = createJunctionPubSub();
    const type = (await buildJunctionSchema(bundle.pubSub)).getType('Connection') as GraphQLObjectType;
    await bundle.close();
    const closed = Object.values(type.getFields()).filter((f) => !FIELD_RULES.Connection!.open.includes(f.name));
    expect(closed.length).toBeGreaterThanOrEqual(13);
    for (const field of closed) {
      const sel = isObjectType(getNamedType(field.type)) ? `${field.name} { __typename }` : field.name;
      const res = await ask('provenance', sel, 'PARTNER');
      expect(codesOf(res), `Connection.${field.name}`).toEqual(['FORBIDDEN']);
      const viewer = await ask('provenance', sel, 'VIEWER');
      expect(viewer.body.errors, `Connection.${field.name} as VIEWER`).toBeUndefined();
    }
  });
});

describe('compiled plans (graphql-jit)', () => {
  it('keep the rule once a repeated document runs compiled', async () => {
    const before = h.server.compiledQueries.compiledRuns;
    for (let i = 0; i < 4; i++) {
      const partner = await ask('contactsSources', DETAILS, 'PARTNER');
      expect(codesOf(partner)).toEqual(['FORBIDDEN']);
      expect(leaks(partner.body)).toEqual([]);
      const viewer = await ask('contactsSources', DETAILS, 'VIEWER');
      expect(JSON.stringify(viewer.body.data)).toContain(SECRET.baseUrl);
    }
    expect(h.server.compiledQueries.compiledRuns - before).toBeGreaterThanOrEqual(4);
  });
});

describe('over graphql-ws', () => {
  it('answers a VIEWER every detail and refuses a PARTNER the socket', async () => {
    const viewer = await wsRun(h.url, `Bearer ${keys.get('VIEWER')}`, { query: paths.provenance(DETAILS), variables: { id: contactId } });
    expect(viewer.errors).toEqual([]);
    for (const value of Object.values(SECRET)) expect(JSON.stringify(viewer.data)).toContain(value);

    const partner = await wsRun(h.url, `Bearer ${keys.get('PARTNER')}`, { query: paths.contactsSources(DETAILS) });
    expect(partner.closeCode).toBe(4403);
    expect(partner.data).toBeUndefined();
  });
});
