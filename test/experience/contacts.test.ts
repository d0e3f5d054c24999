import { beforeAll, describe, expect, it } from 'vitest';
import { countStatements, useDatabase } from '../support/database';
import { codes, gql, useHarness } from '../support/harness';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../support/builders';

const CONTACTS = `query Contacts($first: Int, $after: String, $filter: ContactFilter) {
  contacts(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    edges {
      cursor
      node {
        id email firstName lastName phone title linkedinUrl
        country state postalCode lifecycleStage
        verifiedFields
        deletedAt updatedAt
        company { id name domain }
        sources { connection { id kind } remoteId remoteType remoteUpdatedAt lastSyncedAt }
      }
    }
  }
}`;

const CONTACT = `query Contact($id: ID!) {
  contact(id: $id) {
    id email firstName lastName phone
    custom
    fieldProvenance { field value connection { id kind } changedAt }
    sources { connection { id kind } remoteId remoteType }
    mergedFrom
  }
}`;

const COMPANIES = `query Companies($first: Int, $after: String) {
  companies(first: $first, after: $after) {
    totalCount
    edges { node { id name domain country contacts(first: 5) { totalCount edges { node { id email } } } } }
  }
}`;

interface Node {
  id: string;
  email: string | null;
  lifecycleStage: string;
  deletedAt: string | null;
  company: { id: string; name: string } | null;
  sources: Array<{ connection: { id: string; kind: string }; remoteId: string; remoteType: string }>;
}
interface ContactsData {
  contacts: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
    edges: Array<{ cursor: string; node: Node }>;
  };
}

const BULK = 60;
const db = useDatabase();
const h = useHarness(db);
let viewer: string;
const ids = {} as Record<'sf' | 'hs' | 'acme' | 'globex' | 'gone' | 'master' | 'duplicate' | 'lead' | 'deleted' | 'percent', string>;
let listedCount = 0;

beforeAll(async () => {
  viewer = await h.keyFor('VIEWER');
  const ds = db.dataSource;
  ids.sf = await insertConnection(ds, { kind: 'SALESFORCE' });
  ids.hs = await insertConnection(ds, { kind: 'HUBSPOT', base_url: 'http://127.0.0.1:4102', api_version: 'v3' });
  ids.acme = await insertCompany(ds, { name: 'Acme', domain: 'acme.com', country: 'US' });
  ids.globex = await insertCompany(ds, { name: 'Globex', domain: 'globex.com', country: 'DE' });
  ids.gone = await insertCompany(ds, { name: 'Gone Ltd', deleted_at: new Date() });

  ids.master = await insertContact(ds, { email: 'ada@acme.com', first_name: 'Ada', last_name: 'Lovelace', company_id: ids.acme, custom: { 'salesforce.Tier__c': 'Gold' }, verified_fields: ['email'] });
  ids.duplicate = await insertContact(ds, { email: 'ada.l@acme.com', first_name: 'Ada', last_name: 'L.', company_id: ids.acme });
  await ds.query(`UPDATE contacts SET merged_into = $1 WHERE id = $2`, [ids.master, ids.duplicate]);
  ids.lead = await insertContact(ds, { email: 'grace@globex.com', first_name: 'Grace', last_name: 'Hopper', lifecycle_stage: 'LEAD', company_id: ids.globex });
  ids.deleted = await insertContact(ds, { email: 'deleted@acme.com', company_id: ids.acme, deleted_at: new Date() });
  ids.percent = await insertContact(ds, { email: 'promo@shop.com', first_name: '50%_off', last_name: 'Promo' });
  await insertContact(ds, { email: 'promo2@shop.com', first_name: '50 percent', last_name: 'Promo' });
  // Three contacts created in the same microsecond: the id breaks the tie, and the cursor keeps the microseconds.
  for (let i = 0; i < 3; i++) await insertContact(ds, { created_at: '2024-03-01T00:00:00.123456Z', last_name: `Tie${i}` });
  await ds.query(
    `INSERT INTO contacts (email, first_name, last_name, company_id, created_at)
     SELECT 'bulk' || g || '@example.com', 'Bulk', 'Person' || g, CASE WHEN g % 2 = 0 THEN $1::uuid ELSE $2::uuid END,
            timestamptz '2024-02-01 00:00:00+00' + g * interval '1 second'
     FROM generate_series(1, ${BULK}) g`,
    [ids.acme, ids.globex],
  );
  await ds.query(
    `INSERT INTO source_links (record_kind, record_id, connection_id, remote_type, remote_id, remote_updated_at)
     SELECT 'CONTACT', id, $1, 'Contact', 'sf-' || id, '2024-05-01T10:00:00Z' FROM contacts`,
    [ids.sf],
  );
  await insertSourceLink(ds, { record_id: ids.master, connection_id: ids.hs, remote_type: 'contacts', remote_id: '501' });
  await insertSourceLink(ds, { record_id: ids.lead, connection_id: ids.hs, remote_type: 'contacts', remote_id: '502' });
  await ds.query(
    `INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at) VALUES
       ($1, 'email', '"ada@acme.com"', $2, '2024-05-01T10:00:00Z'),
       ($1, 'phone', '"+15551234567"', $3, '2024-05-02T11:00:00Z'),
       ($1, 'title', '"Countess"', NULL, '2024-05-03T12:00:00Z')`,
    [ids.master, ids.sf, ids.hs],
  );
  const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL`)) as Array<{ n: number }>;
  listedCount = n;
});

const contacts = (variables: Record<string, unknown>) => gql<ContactsData>(h.url, CONTACTS, variables, viewer);

describe('Contacts', () => {
  it('pages through every listed contact with opaque cursors: no repeats, no gaps, stable order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await contacts({ first: 7, after });
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data!.contacts;
      expect(conn.totalCount).toBe(listedCount);
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
      seen.push(...conn.edges.map((e) => e.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(listedCount / 7));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(listedCount);
    const expected = (await db.dataSource.query(
      `SELECT id FROM contacts WHERE merged_into IS NULL AND deleted_at IS NULL ORDER BY created_at, id`,
    )) as Array<{ id: string }>;
    expect(seen).toEqual(expected.map((r) => r.id));
    expect(seen).not.toContain(ids.duplicate);
    expect(seen).not.toContain(ids.deleted);
  });

  it('keeps rows created in the same microsecond apart (page size 1 across a tie)', async () => {
    const ties = (await db.dataSource.query(`SELECT id FROM contacts WHERE last_name LIKE 'Tie%' ORDER BY id`)) as Array<{ id: string }>;
    const found: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res = await contacts({ first: 1, after, filter: { search: 'Tie' } });
      found.push(res.body.data!.contacts.edges[0]!.node.id);
      after = res.body.data!.contacts.pageInfo.endCursor;
    }
    expect(found).toEqual(ties.map((t) => t.id));
    const last = await contacts({ first: 1, after, filter: { search: 'Tie' } });
    expect(last.body.data!.contacts.edges).toHaveLength(0);
  });

  it('filters by search (wildcards literal), email, lifecycle stage, company, connection and deletion', async () => {
    const emails = async (filter: Record<string, unknown>) =>
      (await contacts({ first: 100, filter })).body.data!.contacts.edges.map((e) => e.node.email).sort();
    expect(await emails({ search: 'ADA' })).toEqual(['ada@acme.com']);
    expect(await emails({ search: '50%_' })).toEqual(['promo@shop.com']);
    expect(await emails({ search: 'grace hop' })).toEqual(['grace@globex.com']);
    expect(await emails({ email: '  Grace@Globex.com ' })).toEqual(['grace@globex.com']);
    expect(await emails({ lifecycleStage: 'LEAD' })).toEqual(['grace@globex.com']);
    expect(await emails({ connectionId: ids.hs })).toEqual(['ada@acme.com', 'grace@globex.com']);
    expect(await emails({ companyId: ids.acme, search: 'acme' })).toEqual(['ada@acme.com']);
    expect(await emails({ companyId: ids.acme, search: 'acme', includeDeleted: true })).toEqual(['ada@acme.com', 'deleted@acme.com']);
    const acme = await contacts({ first: 1, filter: { companyId: ids.acme } });
    expect(acme.body.data!.contacts.totalCount).toBe(1 + BULK / 2);
  });

  it('resolves company and sources (with their connection) on every node', async () => {
    const res = await contacts({ first: 3, filter: { search: 'ada' } });
    const node = res.body.data!.contacts.edges[0]!.node;
    expect(node.company).toEqual({ id: ids.acme, name: 'Acme', domain: 'acme.com' });
    expect(node.sources).toHaveLength(2);
    expect(node.sources.map((s) => s.connection.kind).sort()).toEqual(['HUBSPOT', 'SALESFORCE']);
    expect(node.sources.find((s) => s.connection.kind === 'HUBSPOT')).toMatchObject({ remoteId: '501', remoteType: 'contacts' });
    expect(res.body.data!.contacts.edges[0]!.node).toMatchObject({ lifecycleStage: 'CONTACT', verifiedFields: ['email'], deletedAt: null });
  });

  it('costs the same number of SQL statements for 5 and for 50 contacts with companies and sources', async () => {
    const statementsFor = (first: number): Promise<number> =>
      countStatements(async () => {
        const res = await contacts({ first, filter: { search: 'bulk' } });
        expect(res.body.data!.contacts.edges).toHaveLength(first);
        expect(res.body.data!.contacts.edges.every((e) => e.node.company && e.node.sources.length > 0)).toBe(true);
      });
    await statementsFor(5); // warm-up: the key's last_used_at write happens at most once a minute
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(fifty).toBe(five);
    expect(five).toBeGreaterThanOrEqual(4); // the spy saw the statements at all
    // page + count + companies + sources joined to their connections (the verified key is cached)
    expect(fifty).toBeLessThanOrEqual(4);
  });

  it('rejects page sizes over 100 and cursors it did not issue as BAD_USER_INPUT', async () => {
    const big = await contacts({ first: 101 });
    expect(codes(big)).toEqual(['BAD_USER_INPUT']);
    expect(big.body.errors?.[0]?.extensions?.field).toBe('first');
    const forged = await contacts({ after: Buffer.from('["yesterday","x"]').toString('base64url') });
    expect(codes(forged)).toEqual(['BAD_USER_INPUT']);
    expect(forged.body.errors?.[0]?.extensions?.field).toBe('after');
    const defaulted = await contacts({});
    expect(defaulted.body.data!.contacts.edges).toHaveLength(20);
  });
});

describe('Contact', () => {
  it('shows custom fields, field provenance, sources and the ids merged into it', async () => {
    const res = await gql<{ contact: Record<string, unknown> }>(h.url, CONTACT, { id: ids.master }, viewer);
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data!.contact;
    expect(c).toMatchObject({ id: ids.master, email: 'ada@acme.com', custom: { 'salesforce.Tier__c': 'Gold' }, mergedFrom: [ids.duplicate] });
    expect(c.fieldProvenance).toEqual([
      { field: 'email', value: 'ada@acme.com', connection: { id: ids.sf, kind: 'SALESFORCE' }, changedAt: '2024-05-01T10:00:00.000Z' },
      { field: 'phone', value: '+15551234567', connection: { id: ids.hs, kind: 'HUBSPOT' }, changedAt: '2024-05-02T11:00:00.000Z' },
      { field: 'title', value: 'Countess', connection: null, changedAt: '2024-05-03T12:00:00.000Z' },
    ]);
    expect((c.sources as unknown[]).length).toBe(2);
  });

  it('answers null for an unknown id, and an empty mergedFrom for a contact nothing was merged into', async () => {
    const unknown = await gql<{ contact: unknown }>(h.url, CONTACT, { id: '00000000-0000-4000-8000-000000000000' }, viewer);
    expect(unknown.body.errors).toBeUndefined();
    expect(unknown.body.data!.contact).toBeNull();
    // Not an id at all is the caller's mistake, refused before it runs (security/input-guard.ts).
    const garbage = await gql<{ contact: unknown }>(h.url, CONTACT, { id: 'not-an-id' }, viewer);
    expect(garbage.status).toBe(400);
    expect(codes(garbage)).toEqual(['BAD_USER_INPUT']);
    const lead = await gql<{ contact: { mergedFrom: string[] } }>(h.url, CONTACT, { id: ids.lead }, viewer);
    expect(lead.body.data!.contact.mergedFrom).toEqual([]);
  });
});

describe('Companies', () => {
  it('lists live companies with their first contacts and each company’s contact count', async () => {
    const res = await gql<{ companies: { totalCount: number; edges: Array<{ node: { id: string; name: string; contacts: { totalCount: number; edges: unknown[] } } }> } }>(
      h.url,
      COMPANIES,
      { first: 10 },
      await h.keyFor('PARTNER'),
    );
    expect(res.body.errors).toBeUndefined();
    const companies = res.body.data!.companies;
    expect(companies.totalCount).toBe(2);
    expect(companies.edges.map((e) => e.node.name)).toEqual(['Acme', 'Globex']);
    const [acme, globex] = companies.edges.map((e) => e.node);
    // Acme: Ada + 30 bulk (the merged duplicate and the deleted contact are not counted).
    expect(acme!.contacts.totalCount).toBe(1 + BULK / 2);
    expect(acme!.contacts.edges).toHaveLength(5);
    expect(globex!.contacts.totalCount).toBe(1 + BULK / 2);
    expect((acme!.contacts.edges[0] as { node: { email: string } }).node.email).toBe('ada@acme.com');
  });

  it('pages a company’s contacts past the first page', async () => {
    const q = `query($id: ID!, $after: String) { contacts(first: 1, filter: { companyId: $id }) { edges { cursor } } companies(first: 1) { edges { node { contacts(first: 2, after: $after) { edges { node { id } } pageInfo { hasPreviousPage } } } } } }`;
    const first = await gql<{ contacts: { edges: Array<{ cursor: string }> } }>(h.url, q, { id: ids.acme }, viewer);
    const cursor = first.body.data!.contacts.edges[0]!.cursor;
    const next = await gql<{ companies: { edges: Array<{ node: { contacts: { edges: Array<{ node: { id: string } }>; pageInfo: { hasPreviousPage: boolean } } } }> } }>(
      h.url,
      q,
      { id: ids.acme, after: cursor },
      viewer,
    );
    const page = next.body.data!.companies.edges[0]!.node.contacts;
    expect(page.pageInfo.hasPreviousPage).toBe(true);
    expect(page.edges).toHaveLength(2);
    expect(page.edges.map((e) => e.node.id)).not.toContain(ids.master);
  });
});
