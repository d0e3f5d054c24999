/**
 * Issue 14, finding 11: malformed input answered masked 500s. A cursor Date.parse accepts
 * but PostgreSQL refuses, non-UUID ids on mutations, JSON nested past any use, and
 * `POST /webhooks/not-a-uuid` or a bad percent-encoding in a webhook URL now answer a typed
 * input error (HTTP 400 / BAD_USER_INPUT naming the argument), over HTTP and graphql-ws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS } from '../../src/process/events';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { WebhookService } from '../../src/process/sync/runs/webhook.service';
import { codes, gql, useHarness } from '../support/harness';
import { insertContact } from '../support/builders';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { wsRun } from './support';

const db = useDatabase();
const cipher = new CredentialsCipher(generateMasterKey());
let connections: ConnectionService;
const h = useHarness(db, () => {
  connections = new ConnectionService(db.dataSource, cipher);
  return { connections, webhooks: new WebhookService(db.dataSource, cipher, new SyncRunService(db.dataSource, NO_EVENTS)) };
});
let admin: string;
let contactId: string;
let connectionId: string;

beforeAll(async () => {
  admin = await h.keyFor('ADMIN');
  contactId = await insertContact(db.dataSource);
  connectionId = (
    await connections.create({ name: 'hs', kind: 'HUBSPOT', baseUrl: 'http://127.0.0.1:9', credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } })
  ).id;
});

afterAll(async () => {
  if (h) expectNoSecretsInLogs(h.logLines, [admin]);
  await connections?.close();
});

const cursor = (at: string, id = '00000000-0000-4000-8000-000000000000') => Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');

describe('forged cursors', () => {
  // Each is a date Date.parse takes and PostgreSQL refuses.
  const FORGED = { 'a bare number': cursor('1'), '31 February': cursor('2024-02-31T00:00:00.000000Z'), 'year 275760': cursor('+275760-09-13T00:00:00.000Z'), 'year 0': cursor('0000-01-01T00:00:00.000000Z') };
  const PAGED = ['contacts', 'companies', 'syncRuns', 'quarantine', 'syncErrors', 'duplicateCandidates'];

  it.each(Object.entries(FORGED))('of %s answer BAD_USER_INPUT on every paged field', async (_name, after) => {
    for (const field of PAGED) {
      const res = await gql(h.url, `query($after: String) { ${field}(first: 5, after: $after) { totalCount } }`, { after }, admin);
      expect(codes(res), field).toEqual(['BAD_USER_INPUT']);
      expect(res.body.errors![0]!.extensions, field).toMatchObject({ field: 'after' });
      expect(res.body.errors![0]!.message).toBe('`after` is not a cursor this API issued');
    }
  });

  it('issued by the API still page', async () => {
    const first = await gql<{ contacts: { pageInfo: { endCursor: string } } }>(h.url, `{ contacts(first: 1) { pageInfo { endCursor } } }`, {}, admin);
    const next = await gql(h.url, `query($after: String) { contacts(first: 1, after: $after) { totalCount } }`, { after: first.body.data!.contacts.pageInfo.endCursor }, admin);
    expect(next.body.errors).toBeUndefined();
  });
});

describe('ids that are not UUIDs', () => {
  const CALLS: Array<[string, string, Record<string, unknown>, string]> = [
    ['deleteContact', `mutation($id: ID!) { deleteContact(id: $id) { id } }`, { id: 'not-a-uuid' }, '$id'],
    ['restoreContact', `mutation($id: ID!) { restoreContact(id: $id) { id } }`, { id: '' }, '$id'],
    ['verifyField', `mutation($c: ID!) { verifyField(contactId: $c, field: "email", verified: true) { id } }`, { c: "1' OR '1'='1" }, '$c'],
    ['setFieldOwner', `mutation($o: ID) { setFieldOwner(kind: CONTACT, field: "phone", ownerConnectionId: $o) { field } }`, { o: 'salesforce' }, '$o'],
    ['setCustomFields', `mutation($c: ID!) { setCustomFields(connectionId: $c, fields: []) { fields { remote } } }`, { c: 'x' }, '$c'],
    ['mergeContacts', `mutation($m: ID!, $d: [ID!]!) { mergeContacts(masterId: $m, duplicateIds: $d) { id } }`, { m: '00000000-0000-4000-8000-000000000000', d: ['nope'] }, '$d[0]'],
    ['triggerSync', `mutation($c: ID!) { triggerSync(connectionId: $c, mode: INCREMENTAL) { id } }`, { c: 42 }, '$c'],
    ['contact', `query($id: ID!) { contact(id: $id) { id } }`, { id: 'not-an-id' }, '$id'],
  ];

  it.each(CALLS)('on %s answer HTTP 400 BAD_USER_INPUT naming the argument', async (_field, query, variables, field) => {
    const res = await gql(h.url, query, variables, admin);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.extensions).toMatchObject({ field });
    expect(res.body.errors![0]!.message).toBe(`${field} is not an id: Junction's ids are UUIDs`);
  });

  it('written as literals, or sent over graphql-ws, answer the same', async () => {
    const literal = await gql(h.url, `mutation { deleteContact(id: "not-a-uuid") { id } }`, {}, admin);
    expect(literal.status).toBe(400);
    expect(literal.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const ws = await wsRun(h.url, `Bearer ${admin}`, { query: `mutation($id: ID!) { deleteContact(id: $id) { id } }`, variables: { id: 'not-a-uuid' } });
    expect(ws.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$id' });
    // Nothing was touched, and real ids still work.
    const ok = await gql<{ deleteContact: { id: string } }>(h.url, `mutation($id: ID!) { deleteContact(id: $id) { id } }`, { id: contactId }, admin);
    expect(ok.body.data!.deleteContact.id).toBe(contactId);
  });
});

describe('JSON past any use', () => {
  it('nested 100,000 deep, or with 50,000 keys, is refused with BAD_USER_INPUT, not a stack overflow', async () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const body = `{"query":"mutation($p: JSON) { retryQuarantined(id: \\"${contactId}\\", patch: $p) { id } }","variables":{"p":${deep}}}`;
    const res = await fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(json.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$p' });
    expect(json.errors[0]!.message).toBe('$p is nested more than 20 levels deep');
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const many = await gql(h.url, `mutation($p: JSON) { retryQuarantined(id: "${contactId}", patch: $p) { id } }`, { p: wide }, admin);
    expect(many.status).toBe(400);
    expect(many.body.errors![0]!.message).toBe('$p holds more than 1000 JSON values: send less');
  });
});

describe('webhook URLs', () => {
  const post = (path: string) => fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  it('with a connection id that is not a UUID answer 400, not 500', async () => {
    for (const id of ['not-a-uuid', '1', `${'a'.repeat(5000)}`]) {
      const res = await post(`/webhooks/${id}`);
      expect(res.status, id).toBe(400);
      expect(await res.json()).toEqual({ error: 'not a connection id' });
    }
  });

  it('with a bad percent-encoding, in the path or the query, answer 4xx', async () => {
    const path = await post('/webhooks/%E0%A4%A');
    expect(path.status).toBe(400);
    const query = await post(`/webhooks/${connectionId}?code=%E0%A4%A&key=%`);
    expect(query.status).toBe(401);
    expect(h.logLines.filter((l) => /"level":50/.test(l))).toEqual([]);
  });
});
