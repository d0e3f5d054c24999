/**
 * Error masking with a real database failure (a table renamed away mid-run), over HTTP
 * and graphql-ws: the client gets INTERNAL_SERVER_ERROR with a correlation id and nothing
 * from inside (no SQL, stack or path); the log has the cause under the same id. And
 * hostile input values — SQL, markup, control characters — are stored as data or refused
 * with BAD_USER_INPUT, never run and never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql, useHarness } from '../support/harness';
import { insertCompany, insertContact } from '../support/builders';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { wsRun } from './support';

const db = useDatabase();
const h = useHarness(db);
let admin: string;

beforeAll(async () => {
  admin = await h.keyFor('ADMIN');
  await insertContact(db.dataSource, { company_id: await insertCompany(db.dataSource) });
});

afterAll(async () => {
  if (h) expectNoSecretsInLogs(h.logLines, [admin]);
});

const LEAKS = /\brelation\b|SELECT|FROM |companies_gone|QueryFailedError|node_modules|\/work\/|\.ts:\d+|stacktrace|\bat \w/;

describe('a database failure', () => {
  it('is masked over HTTP and graphql-ws with a correlation id that leads to the log line', async () => {
    await db.dataSource.query(`ALTER TABLE companies RENAME TO companies_gone`);
    try {
      const query = `{ companies(first: 5) { totalCount edges { node { id name } } } }`;
      const http = await gql(h.url, query, {}, admin);
      const ws = await wsRun(h.url, `Bearer ${admin}`, { query });
      for (const [transport, errors] of [['http', http.body.errors ?? []], ['ws', ws.errors]] as const) {
        expect(errors.map((e) => e.extensions?.code), transport).toEqual(['INTERNAL_SERVER_ERROR']);
        const error = errors[0]!;
        expect(JSON.stringify(error), transport).not.toMatch(LEAKS);
        const id = String(error.extensions?.correlationId);
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(error.message).toContain(id);
        const logged = h.logLines.find((l) => l.includes(id));
        expect(logged, transport).toMatch(/companies/);
      }
    } finally {
      await db.dataSource.query(`ALTER TABLE companies_gone RENAME TO companies`);
    }
    expect((await gql(h.url, `{ companies(first: 1) { totalCount } }`, {}, admin)).body.errors).toBeUndefined();
  });
});

describe('hostile input values', () => {
  const HOSTILE = [`Robert'); DROP TABLE contacts; --`, `<script>alert("x")</script>`, `x' OR '1'='1`, `tab\there\nnewline\r\u0007bell\u001bescape`, `%_\\`, `😀 ünïcödé`];

  it('in filters are matched as data: no injection, no error', async () => {
    for (const value of HOSTILE) {
      const res = await gql<{ contacts: { totalCount: number } }>(h.url, `query($f: ContactFilter) { contacts(first: 5, filter: $f) { totalCount } }`, { f: { search: value } }, admin);
      expect(res.body.errors, value).toBeUndefined();
      expect(res.body.data?.contacts.totalCount, value).toBe(0);
      const byEmail = await gql(h.url, `query($f: ContactFilter) { contacts(first: 5, filter: $f) { totalCount } }`, { f: { email: value } }, admin);
      expect(codes(byEmail).filter((c) => c === 'INTERNAL_SERVER_ERROR'), value).toEqual([]);
    }
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM contacts`)) as Array<{ n: number }>;
    expect(n).toBe(1);
  });

  it('in inputs are stored as sent and read back unchanged', async () => {
    for (const [i, value] of HOSTILE.entries()) {
      const name = `${value} #${i}`;
      const res = await gql<{ createApiKey: { key: string; apiKey: { id: string; name: string } } }>(
        h.url,
        `mutation($n: String!) { createApiKey(name: $n, role: VIEWER) { key apiKey { id name } } }`,
        { n: name },
        admin,
      );
      // Names refuse control characters; everything else is stored verbatim.
      // eslint-disable-next-line no-control-regex -- control characters are what this looks for
      if (/[\u0000-\u001f]/.test(name)) {
        expect(codes(res), name).toEqual(['BAD_USER_INPUT']);
        continue;
      }
      expect(res.body.errors, name).toBeUndefined();
      expect(res.body.data?.createApiKey.apiKey.name).toBe(name);
      const rows = (await db.dataSource.query(`SELECT name FROM api_keys WHERE id = $1`, [res.body.data!.createApiKey.apiKey.id])) as Array<{ name: string }>;
      expect(rows[0]!.name).toBe(name);
    }
    const tables = (await db.dataSource.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'contacts'`)) as Array<{ n: number }>;
    expect(tables[0]!.n).toBe(1);
  });

  it('carrying NUL characters are refused with BAD_USER_INPUT naming where, over HTTP and ws', async () => {
    const res = await gql(h.url, `query($f: ContactFilter) { contacts(first: 5, filter: $f) { totalCount } }`, { f: { search: 'a\u0000b' } }, admin);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$f.search' });
    const literal = await gql(h.url, `{ contacts(first: 5, filter: { search: "a\\u0000b" }) { totalCount } }`, {}, admin);
    expect(literal.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ws = await wsRun(h.url, `Bearer ${admin}`, { query: `query($f: ContactFilter) { contacts(first: 5, filter: $f) { totalCount } }`, variables: { f: { search: '\u0000' } } });
    expect(ws.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$f.search' });
  });
});
