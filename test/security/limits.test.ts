/**
 * Hostile queries are refused with an error naming the limit, and the server keeps
 * answering ordinary queries meanwhile: depth 50, 1,000 aliases, a cost bomb through
 * nested connections, 100 batched operations, a 10 MB body, huge `first:` values — over
 * HTTP and over graphql-ws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql, useHarness } from '../support/harness';
import { insertCompany, insertContact } from '../support/builders';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import WebSocket from 'ws';
import { wsRun } from './support';

const db = useDatabase();
const h = useHarness(db);
let viewer: string;

beforeAll(async () => {
  viewer = await h.keyFor('VIEWER');
  const company = await insertCompany(db.dataSource);
  for (let i = 0; i < 3; i++) await insertContact(db.dataSource, { company_id: company });
});

afterAll(async () => {
  if (h) expectNoSecretsInLogs(h.logLines, [viewer]);
});

const deepQuery = (levels: number): string => {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `company { contacts(first: 1) { edges { node { ${inner} } } } }`;
  return `{ contacts(first: 1) { edges { node { ${inner} } } } }`;
};
const aliases = (n: number): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
const COST_BOMB = `{ companies(first: 100) { edges { node { contacts(first: 100) { edges { node { company { contacts(first: 100) { edges { node { id email } } } } } } } } } } }`;

/** An ordinary query answered, and quickly, while the hostile ones run. */
async function stillServing(): Promise<number> {
  const started = performance.now();
  const res = await gql(h.url, `{ contacts(first: 5) { totalCount } }`, {}, viewer);
  expect(res.body.errors).toBeUndefined();
  return performance.now() - started;
}

const firstMessage = (r: { body: { errors?: Array<{ message: string }> } }): string => r.body.errors?.[0]?.message ?? '';
/** Every message of the answer: a query over several limits is told about each. */
const messages = (r: { body: { errors?: Array<{ message: string }> } }): string => (r.body.errors ?? []).map((e) => e.message).join(' | ');

describe('query limits over HTTP', () => {
  it('refuses depth 50 naming the depth limit', async () => {
    const res = await gql(h.url, deepQuery(50), {}, viewer);
    expect(res.status).toBe(400);
    expect(messages(res)).toMatch(/Query depth limit of 10 exceeded, found \d+/);
    expect(codes(res)).toContain('GRAPHQL_VALIDATION_FAILED');
    const justInside = await gql(h.url, deepQuery(1), {}, viewer);
    expect(justInside.body.errors).toBeUndefined();
  });

  it('refuses 1,000 aliases naming the alias limit', async () => {
    const res = await gql(h.url, aliases(1000), {}, viewer);
    expect(res.status).toBe(400);
    expect(messages(res)).toMatch(/Aliases limit of 15 exceeded, found 1000/);
    const few = await gql(h.url, aliases(10), {}, viewer);
    expect(few.body.errors).toBeUndefined();
  });

  it('refuses a cost bomb through nested connections naming the record limit', async () => {
    // Written out, the static cost limit sees it already; through variables only the page budget can.
    const res = await gql(h.url, COST_BOMB, {}, viewer);
    expect(res.status).toBe(400);
    expect(messages(res)).toMatch(/Query Cost limit of 5000 exceeded/);
    // The same shape with variables is estimated with the values sent.
    const viaVariables = await gql(
      h.url,
      `query($a: Int, $b: Int) { companies(first: $a) { edges { node { contacts(first: $b) { edges { node { company { contacts(first: $b) { totalCount } } } } } } } } }`,
      { a: 100, b: 100 },
      viewer,
    );
    expect(viaVariables.body.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'maxRecords' });
    expect(firstMessage(viaVariables)).toMatch(/about 1010100 records .* the limit is 20000/);
  });

  it('refuses a static cost bomb (many fields) naming the cost limit', async () => {
    const fields = 'id email firstName lastName phone title country state postalCode';
    const wide = `{ ${Array.from({ length: 14 }, (_, i) => `c${i}: contacts(first: 50) { edges { node { ${fields} company { id name domain } sources { remoteId remoteType connection { id kind name } } } } }`).join(' ')} }`;
    const res = await gql(h.url, wide, {}, viewer);
    expect(messages(res)).toMatch(/Query Cost limit of 5000 exceeded/);
  });

  it('refuses huge `first:` values naming the page size, literal or variable', async () => {
    const literal = await gql(h.url, `{ contacts(first: 100000) { totalCount } }`, {}, viewer);
    expect(literal.status).toBe(400);
    const pageError = literal.body.errors?.find((e) => e.extensions?.limit === 'maxPageSize');
    expect(pageError?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'maxPageSize', field: 'first' });
    expect(pageError?.message).toMatch(/`first` on contacts is 100000: the maximum page size is 100/);
    const variable = await gql(h.url, `query($n: Int) { syncRuns(first: $n) { totalCount } }`, { n: 101 }, viewer);
    expect(variable.body.errors?.[0]?.extensions?.limit).toBe('maxPageSize');
    const overflow = await gql(h.url, `{ contacts(first: 99999999999) { totalCount } }`, {}, viewer);
    expect(codes(overflow)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(messages(overflow)).toMatch(/Int cannot represent non 32-bit signed integer value: 99999999999/);
    const nestedHuge = await gql(h.url, `{ companies(first: 1) { edges { node { contacts(first: 500) { totalCount } } } } }`, {}, viewer);
    expect(messages(nestedHuge)).toMatch(/`first` on contacts is 500/);
  });

  it('refuses 100 batched operations', async () => {
    const batch = Array.from({ length: 100 }, () => ({ query: '{ viewer { role } }' }));
    const res = await fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` }, body: JSON.stringify(batch) });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batching is not enabled|batching disabled|batching/i);
  });

  it('refuses a 10 MB body with 413, quickly, as JSON', async () => {
    const started = performance.now();
    const res = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
      body: JSON.stringify({ query: '{ viewer { role } }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses more tokens than the token limit', async () => {
    const res = await gql(h.url, `{ viewer { ${'role '.repeat(11000)} } }`, {}, viewer);
    expect(res.status).toBe(400);
    expect(firstMessage(res)).toMatch(/more tha[nt] 10000 tokens/);
  });

  it('keeps answering ordinary queries while hostile ones arrive', async () => {
    const baseline = Math.max(await stillServing(), await stillServing());
    const hostile = Array.from({ length: 20 }, (_, i) =>
      i % 4 === 0 ? gql(h.url, deepQuery(50), {}, viewer) : i % 4 === 1 ? gql(h.url, aliases(1000), {}, viewer) : i % 4 === 2 ? gql(h.url, COST_BOMB, {}, viewer) : gql(h.url, `{ contacts(first: 100000) { totalCount } }`, {}, viewer),
    );
    const during = await stillServing();
    const results = await Promise.all(hostile);
    expect(results.every((r) => (r.body.errors?.length ?? 0) > 0)).toBe(true);
    // Generous bound: the point is that it answers, not a benchmark.
    expect(during).toBeLessThan(Math.max(2000, baseline * 20));
  });
});

describe('query limits over graphql-ws', () => {
  it('closes a socket that sends a 10 MB message (1009, message too big), unread', async () => {
    const socket = new WebSocket(h.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${viewer}`, pad: 'x'.repeat(10 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    expect((await gql(h.url, `{ viewer { role } }`, {}, viewer)).body.errors).toBeUndefined();
  });

  it('applies the same limits to operations sent over a socket', async () => {
    const auth = `Bearer ${viewer}`;
    const all = (o: { errors: Array<{ message: string }> }) => o.errors.map((e) => e.message).join(' | ');
    const deep = await wsRun(h.url, auth, { query: deepQuery(50) });
    expect(all(deep)).toMatch(/Query depth limit of 10 exceeded/);
    const many = await wsRun(h.url, auth, { query: aliases(1000) });
    expect(all(many)).toMatch(/Aliases limit of 15 exceeded/);
    const bomb = await wsRun(h.url, auth, { query: COST_BOMB });
    expect(all(bomb)).toMatch(/Query Cost limit of 5000 exceeded/);
    const huge = await wsRun(h.url, auth, { query: `query($n: Int) { contacts(first: $n) { totalCount } }`, variables: { n: 5000 } });
    expect(huge.errors[0]?.extensions?.limit).toBe('maxPageSize');
    const tokens = await wsRun(h.url, auth, { query: `{ viewer { ${'role '.repeat(11000)} } }` });
    expect(tokens.errors[0]?.message).toMatch(/more tha[nt] 10000 tokens/);
    const fine = await wsRun(h.url, auth, { query: `{ contacts(first: 5) { totalCount } }` });
    expect(fine.errors).toEqual([]);
    expect(fine.data).toEqual({ contacts: { totalCount: 3 } });
  });
});
