/** MergeContacts/UndoMerge, UpsertContacts and QuarantineChanged over real HTTP and graphql-ws. */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useDatabase } from '../support/database';
import { restoreDefaultRules } from './support/rules';
import { gql, useHarness } from '../support/harness';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../support/builders';

const db = useDatabase();
const h = useHarness(db);
let operator: string;
let partner: string;

beforeAll(async () => {
  await restoreDefaultRules(db.dataSource);
  operator = await h.keyFor('OPERATOR');
  partner = await h.keyFor('PARTNER');
}, 30_000);
afterAll(async () => {
  if (db) await restoreDefaultRules(db.dataSource);
});

const call = async <T>(query: string, variables: Record<string, unknown>, key: string) => (await gql<T>(h.url, query, variables, key)).body;

describe('MergeContacts and UndoMerge', () => {
  const snapshot = async (ids: string[]) => ({
    contacts: await db.dataSource.query(`SELECT * FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids]),
    provenance: await db.dataSource.query(`SELECT * FROM field_provenance WHERE record_id = ANY($1::uuid[]) ORDER BY record_id, field`, [ids]),
    links: await db.dataSource.query(`SELECT * FROM source_links WHERE record_id = ANY($1::uuid[]) ORDER BY id`, [ids]),
  });

  it('moves links and missing values with provenance to the master, and undo restores every field exactly', async () => {
    const sf = await insertConnection(db.dataSource, { kind: 'SALESFORCE' });
    const hs = await insertConnection(db.dataSource, { kind: 'HUBSPOT' });
    const master = await insertContact(db.dataSource, { email: 'ada@acme.com', first_name: 'Ada', last_name: 'Lovelace', title: 'CTO' });
    const dup = await insertContact(db.dataSource, { email: 'a.lovelace@acme.com', first_name: 'Ada', last_name: 'Lovelace', phone: '+12125550100', city: 'London', verified_fields: ['city'] });
    await insertSourceLink(db.dataSource, { record_id: master, connection_id: sf, remote_id: '00Q000000000001AAA', content_hash: 'h1' });
    await insertSourceLink(db.dataSource, { record_id: dup, connection_id: hs, remote_type: 'contacts', remote_id: '501', content_hash: 'h2' });
    await db.dataSource.query(`INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at) VALUES ($1, 'title', '"CTO"', $3, '2024-05-01'), ($2, 'phone', '"+12125550100"', $4, '2024-06-01'), ($2, 'city', '"London"', $4, '2024-06-02')`, [master, dup, sf, hs]);
    const before = await snapshot([master, dup]);

    const merged = await call<{ mergeContacts: { id: string; mergedFrom: string[] } }>(`mutation($m: ID!, $d: [ID!]!) { mergeContacts(masterId: $m, duplicateIds: $d) { id mergedFrom } }`, { m: master, d: [dup] }, operator);
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeContacts).toEqual({ id: master, mergedFrom: [dup] });
    const view = await call<{ contact: { phone: string; city: string; verifiedFields: string[]; sources: Array<{ remoteId: string }>; fieldProvenance: Array<{ field: string; connection: { id: string } | null }> } }>(
      `query($id: ID!) { contact(id: $id) { phone city verifiedFields sources { remoteId } fieldProvenance { field connection { id } } } }`,
      { id: master },
      operator,
    );
    expect(view.errors).toBeUndefined();
    expect(view.data!.contact).toMatchObject({ phone: '+12125550100', city: 'London', verifiedFields: ['city'] });
    expect(view.data!.contact.sources.map((s) => s.remoteId).sort()).toEqual(['00Q000000000001AAA', '501']);
    expect(view.data!.contact.fieldProvenance.find((p) => p.field === 'phone')?.connection?.id).toBe(hs);
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int n FROM merges WHERE master_id = $1 AND snapshot ? 'contacts'`, [master])) as Array<{ n: number }>;
    expect(n).toBe(1);
    const again = await call(`mutation($m: ID!, $d: [ID!]!) { mergeContacts(masterId: $m, duplicateIds: $d) { id } }`, { m: master, d: [dup] }, operator);
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const undone = await call<{ undoMerge: { id: string } }>(`mutation($c: ID!) { undoMerge(contactId: $c) { id } }`, { c: dup }, operator);
    expect(undone.data!.undoMerge.id).toBe(master);
    const after = await snapshot([master, dup]);
    // Field by field: every column of every contact, provenance row and source link.
    for (const part of ['contacts', 'provenance', 'links'] as const) {
      expect(after[part]).toHaveLength(before[part].length);
      before[part].forEach((row: Record<string, unknown>, i: number) => {
        for (const [col, value] of Object.entries(row)) expect({ part, col, value: after[part][i][col] }).toEqual({ part, col, value });
      });
    }
    const viewer = await h.keyFor('VIEWER');
    const forbidden = await call(`mutation($c: ID!) { undoMerge(contactId: $c) { id } }`, { c: dup }, viewer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('the bulk scan merges exact-key duplicates that entered before matching, and proposes fuzzy ones', async () => {
    const initech = await insertCompany(db.dataSource, { name: 'Initech', name_key: 'initech' });
    const a = await insertContact(db.dataSource, { email: 'scan.one@initech.com', phone: '+14155550111', first_name: 'Peter', last_name: 'Gibbons' });
    const b = await insertContact(db.dataSource, { email: 'scan.two@initech.com', phone: '+14155550111', first_name: 'Peter', last_name: 'Gibbons', title: 'Engineer', company_id: initech });
    await insertContact(db.dataSource, { email: 'p.gibbon@initech.com', first_name: 'Peter', last_name: 'Gibbon', company_id: initech });
    const scan = await call<{ scanDuplicates: { merged: number; candidates: number } }>(`mutation { scanDuplicates { merged candidates } }`, {}, operator);
    expect(scan.errors).toBeUndefined();
    expect(scan.data!.scanDuplicates.merged).toBe(1);
    expect(scan.data!.scanDuplicates.candidates).toBeGreaterThanOrEqual(1);
    // Completeness picks the master: b has the title a lacks.
    const [row] = (await db.dataSource.query(`SELECT merged_into FROM contacts WHERE id = $1`, [a])) as Array<{ merged_into: string }>;
    expect(row!.merged_into).toBe(b);
    const candidates = await call<{ duplicateCandidates: { totalCount: number; edges: Array<{ node: { score: number; matchedOn: string[]; contacts: Array<{ email: string }> } }> } }>(
      `{ duplicateCandidates(first: 10) { totalCount edges { node { id score matchedOn contacts { id email } } } } }`,
      {},
      operator,
    );
    const pair = candidates.data!.duplicateCandidates.edges.find((e) => e.node.contacts.some((c) => c.email === 'p.gibbon@initech.com'));
    expect(pair?.node.score).toBeGreaterThanOrEqual(0.85);
    expect(pair?.node.contacts).toHaveLength(2);
  });
});

describe('UpsertContacts over HTTP', () => {
  const UPSERT = `mutation($input: [ContactInput!]!, $key: String!) { upsertContacts(input: $input, idempotencyKey: $key) { replayed results { index outcome contact { id email } issues { field rule message } } } }`;
  type Payload = { upsertContacts: { replayed: boolean; results: Array<{ index: number; outcome: string; contact: { id: string; email: string } | null; issues: Array<{ field: string; rule: string }> }> } };
  const upsert = (input: unknown[], key: string, apiKey = partner) => call<Payload>(UPSERT, { input, key }, apiKey);

  it('applies a mixed batch per record, replays by key, and refuses a reused key with another input', async () => {
    const seed = await upsert([{ email: 'Milton@Initech.com', firstName: 'milton', lastName: 'WADDAMS', phone: '(212) 555-0177', country: 'US', state: 'N.Y.', companyName: 'Initech, LLC' }], 'seed-1');
    expect(seed.data!.upsertContacts.results[0]).toMatchObject({ outcome: 'CREATED', contact: { email: 'milton@initech.com' } });
    const input = [
      { email: 'milton@initech.com ', lastName: 'Waddams', title: 'Stapler Custodian' },
      { email: 'bob.slydell@initech.com', lastName: 'Slydell', phone: '+1 212 555 0177', companyName: 'Initech' },
      { email: 'michael.bolton@gmail.com', lastName: 'Bolton', companyName: 'Initech Inc.' },
      { email: 'samir@initech.com', lastName: 'Nagheenanajar', lifecycleStage: 'CUSTOMER' },
      { email: 'joanna@chotchkies.com', lastName: 'Joanna', state: 'Texas', country: 'United States' },
    ];
    const first = await upsert(input, 'batch-1');
    expect(first.errors).toBeUndefined();
    const results = first.data!.upsertContacts.results;
    expect(first.data!.upsertContacts.replayed).toBe(false);
    expect(results.map((r) => r.outcome)).toEqual(['UPDATED', 'MERGED', 'QUARANTINED', 'REJECTED', 'CREATED']);
    expect(results[1]!.contact!.id).toBe(seed.data!.upsertContacts.results[0]!.contact!.id);
    expect(results[2]!.issues.map((i) => `${i.field}:${i.rule}`)).toEqual(['email:BUSINESS_EMAIL']);
    expect(results[3]!.issues.map((i) => i.rule)).toEqual(['PICKLIST']);

    const replay = await upsert(input, 'batch-1');
    expect(replay.data!.upsertContacts.replayed).toBe(true);
    expect(replay.data!.upsertContacts.results.map((r) => [r.outcome, r.contact?.id ?? null])).toEqual(results.map((r) => [r.outcome, r.contact?.id ?? null]));
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int n FROM quarantine WHERE payload->>'email' = 'michael.bolton@gmail.com'`)) as Array<{ n: number }>;
    expect(n).toBe(1);

    const reused = await upsert([{ email: 'other@initech.com', lastName: 'Other' }], 'batch-1');
    expect(reused.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // The quarantined partner record, fixed: it flows through the partner pipeline and lands.
    const [entry] = (await db.dataSource.query(`SELECT id FROM quarantine WHERE payload->>'email' = 'michael.bolton@gmail.com'`)) as Array<{ id: string }>;
    const retried = await call<{ retryQuarantined: { status: string } }>(`mutation($id: ID!, $p: JSON) { retryQuarantined(id: $id, patch: $p) { id status issues { field rule message } } }`, { id: entry!.id, p: { email: 'michael.bolton@initech.com' } }, operator);
    expect(retried.data!.retryQuarantined.status).toBe('RESOLVED');
  });

  it('two concurrent calls with one key apply once', async () => {
    const input = Array.from({ length: 20 }, (_, i) => ({ email: `concurrent.${i}@initech.com`, lastName: `Concurrent${i}` }));
    const [a, b] = await Promise.all([upsert(input, 'race-1'), upsert(input, 'race-1')]);
    expect([a.data!.upsertContacts.replayed, b.data!.upsertContacts.replayed].sort()).toEqual([false, true]);
    expect(a.data!.upsertContacts.results.map((r) => r.contact!.id)).toEqual(b.data!.upsertContacts.results.map((r) => r.contact!.id));
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int n FROM contacts WHERE email LIKE 'concurrent.%'`)) as Array<{ n: number }>;
    expect(n).toBe(20);
  });

  it('takes 1,000 records in one batch and refuses 1,001; other roles than PARTNER/OPERATOR/ADMIN are refused', async () => {
    const input = Array.from({ length: 1000 }, (_, i) => ({ email: `bulk.${i}@hooli.com`, firstName: 'Bulk', lastName: `Person${i}`, phone: `+1 415 555 ${String(2000 + i)}`, country: 'US', state: 'CA' }));
    const big = await upsert(input, 'bulk-1');
    expect(big.errors).toBeUndefined();
    expect(big.data!.upsertContacts.results.filter((r) => r.outcome === 'CREATED')).toHaveLength(1000);
    const tooBig = await upsert([...input, { email: 'one.more@hooli.com', lastName: 'More' }], 'bulk-2');
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const viewer = await upsert([{ email: 'v@hooli.com', lastName: 'V' }], 'viewer-1', await h.keyFor('VIEWER'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }, 60_000);
});

describe('ValidationRules and QuarantineChanged', () => {
  it('lists rules for readers and lets only ADMIN edit them', async () => {
    const admin = await h.keyFor('ADMIN');
    const list = await call<{ validationRules: Array<{ id: string; field: string; rule: string; params: Record<string, unknown>; enabled: boolean }> }>(`{ validationRules(kind: CONTACT) { id field rule params enabled } }`, {}, admin);
    expect(list.data!.validationRules.map((r) => `${r.field}:${r.rule}`).sort()).toEqual(['email:BUSINESS_EMAIL', 'email:FORMAT', 'email:REQUIRED', 'lastName:REQUIRED', 'phone:FORMAT', 'postalCode:FORMAT', 'state:CONSISTENCY']);
    const phone = list.data!.validationRules.find((r) => r.field === 'phone')!;
    const off = await call<{ setValidationRuleEnabled: { enabled: boolean } }>(`mutation($id: ID!) { setValidationRuleEnabled(id: $id, enabled: false) { id enabled } }`, { id: phone.id }, admin);
    expect(off.data!.setValidationRuleEnabled.enabled).toBe(false);
    const accepted = await upsert2([{ email: 'phoneless@initech.com', lastName: 'Phoneless', phone: 'ask reception' }], 'rules-1');
    expect(accepted).toBe('CREATED');
    await call(`mutation($id: ID!) { setValidationRuleEnabled(id: $id, enabled: true) { id } }`, { id: phone.id }, admin);
    expect(await upsert2([{ email: 'phoneless2@initech.com', lastName: 'Phoneless', phone: 'ask reception' }], 'rules-2')).toBe('QUARANTINED');
    // UNIQUE, checked against the store (a badge number kept in title here): a second person with one in use waits in quarantine.
    const unique = await call<{ upsertValidationRule: { id: string } }>(`mutation { upsertValidationRule(input: { recordKind: CONTACT, field: "title", rule: UNIQUE }) { id } }`, {}, admin);
    expect(unique.errors).toBeUndefined();
    expect(await upsert2([{ email: 'first.badge@initech.com', lastName: 'Badge', title: 'Badge 0042' }], 'unique-1')).toBe('CREATED');
    expect(await upsert2([{ email: 'first.badge@initech.com', lastName: 'Badge', title: 'Badge 0042' }], 'unique-2')).toBe('UPDATED');
    expect(await upsert2([{ email: 'second.badge@initech.com', lastName: 'Badge', title: 'Badge 0042' }], 'unique-3')).toBe('QUARANTINED');
    await call(`mutation($id: ID!) { setValidationRuleEnabled(id: $id, enabled: false) { id } }`, { id: unique.data!.upsertValidationRule.id }, admin);
    const bad = await call(`mutation { upsertValidationRule(input: { recordKind: CONTACT, field: "title", rule: FORMAT, params: { format: "shoe-size" } }) { id } }`, {}, admin);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Reading explains a quarantine to anyone who can see it; changing the rules is ADMIN's.
    const read = await call<{ validationRules: Array<{ id: string }> }>(`{ validationRules(kind: COMPANY) { id } }`, {}, operator);
    expect(read.data!.validationRules.length).toBeGreaterThan(0);
    const denied = await call(`mutation($id: ID!) { setValidationRuleEnabled(id: $id, enabled: false) { id } }`, { id: phone.id }, operator);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const partner = await call(`{ validationRules(kind: COMPANY) { id } }`, {}, await h.keyFor('PARTNER'));
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  const upsert2 = async (input: unknown[], key: string) =>
    (await call<{ upsertContacts: { results: Array<{ outcome: string }> } }>(`mutation($i: [ContactInput!]!, $k: String!) { upsertContacts(input: $i, idempotencyKey: $k) { results { outcome } } }`, { i: input, k: key }, partner)).data!.upsertContacts.results[0]!.outcome;

  it('QuarantineChanged delivers created and discarded entries over graphql-ws', async () => {
    const client = createClient({ url: h.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${await h.keyFor('VIEWER')}` }, retryAttempts: 0, lazy: true });
    const iterator = client.iterate({ query: `subscription { quarantineChanged { id status remoteId issues { field rule } } }` });
    try {
      const first = iterator.next();
      await new Promise((r) => setTimeout(r, 300));
      expect(await upsert2([{ email: 'watched@yahoo.com', lastName: 'Watched', companyName: 'Initech' }], 'ws-1')).toBe('QUARANTINED');
      const event = (await Promise.race([first, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no event within 5 s')), 5000))])) as IteratorResult<{ data: { quarantineChanged: { id: string; status: string; issues: Array<{ rule: string }> } } }>;
      expect(event.value.data.quarantineChanged).toMatchObject({ status: 'PENDING', remoteId: null, issues: [{ field: 'email', rule: 'BUSINESS_EMAIL' }] });
      const second = iterator.next();
      await call(`mutation($id: ID!) { discardQuarantined(id: $id, reason: "spam") { id } }`, { id: event.value.data.quarantineChanged.id }, operator);
      const discarded = (await second) as IteratorResult<{ data: { quarantineChanged: { status: string } } }>;
      expect(discarded.value.data.quarantineChanged.status).toBe('DISCARDED');
    } finally {
      await iterator.return?.();
      await client.dispose();
    }
  });
});
