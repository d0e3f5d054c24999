/**
 * Hot queries run as graphql-jit plans: over HTTP, the answers (data, errors, null
 * propagation) are the same interpreted and compiled; a document is compiled only after it
 * was seen twice, mutations never are, and the plan cache stays bounded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type OperationDefinitionNode } from 'graphql';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { CompiledQueries } from '../../src/experience/compiled-queries';
import { useDatabase } from '../support/database';
import { gql, useHarness, type GqlResponse } from '../support/harness';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../support/builders';

const CONTACTS = `query Contacts($first: Int) {
  contacts(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id email firstName lastName phone lifecycleStage verifiedFields custom updatedAt
      company { id name domain } sources { connection { id kind } remoteId remoteType remoteUpdatedAt } } }
  }
}`;

/** Answers compared whole; only a masked error's correlation id may differ between runs. */
const comparable = (r: GqlResponse<unknown>) => ({
  status: r.status,
  data: r.body.data,
  errors: (r.body.errors ?? []).map((e) => ({ ...e, extensions: { ...e.extensions, correlationId: undefined } as Record<string, unknown> })),
});

describe('compiled queries over HTTP', () => {
  const db = useDatabase();
  const h = useHarness(db);
  beforeAll(async () => {
    const ds = db.dataSource;
    const sf = await insertConnection(ds, { name: 'jit sf' });
    const acme = await insertCompany(ds, { name: 'Acme Inc.', name_key: 'acme', domain: 'acme.com' });
    for (let i = 0; i < 5; i++) {
      const id = await insertContact(ds, { first_name: `Jit${i}`, company_id: i % 2 ? acme : null, custom: { 'salesforce.Tier__c': `T${i}` }, verified_fields: i === 0 ? ['phone'] : [] });
      await insertSourceLink(ds, { record_id: id, connection_id: sf });
    }
  });

  it('answers a hot query identically before and after it is compiled', async () => {
    const key = await h.keyFor('VIEWER');
    const before = h.server.compiledQueries.compiledRuns;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(comparable(await gql(h.url, CONTACTS, { first: 3 }, key)));
    // Runs 1 and 2 were interpreted, 3 and 4 ran the plan.
    expect(h.server.compiledQueries.compiledRuns - before).toBe(2);
    expect((answers[0]!.data as { contacts: { totalCount: number } }).contacts.totalCount).toBe(5);
    expect(answers[0]!.errors).toEqual([]);
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  });

  it('reports a forbidden field the same way compiled, nulling a non-null root as graphql-js does', async () => {
    const key = await h.keyFor('PARTNER');
    const query = `query Mixed { contacts(first: 1) { totalCount } alerts { id } }`;
    const before = h.server.compiledQueries.compiledRuns;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(comparable(await gql(h.url, query, {}, key)));
    expect(h.server.compiledQueries.compiledRuns - before).toBe(2);
    expect(answers[0]!.data).toBeNull();
    expect(answers[0]!.errors.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN', ['alerts']]]);
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  });

  it('reports an input error a resolver throws the same way compiled (a cause without extensions)', async () => {
    const key = await h.keyFor('VIEWER');
    const forged = Buffer.from('["yesterday","x"]').toString('base64url');
    const query = `query Forged($after: String) { contacts(first: 2, after: $after) { totalCount } }`;
    const before = h.server.compiledQueries.compiledRuns;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(comparable(await gql(h.url, query, { after: forged }, key)));
    expect(h.server.compiledQueries.compiledRuns - before).toBe(2);
    expect(answers[0]!.errors.map((e) => [e.extensions?.code, e.extensions?.field, e.path])).toEqual([['BAD_USER_INPUT', 'after', ['contacts']]]);
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  });

  it('answers a bad variable the same way compiled', async () => {
    const key = await h.keyFor('VIEWER');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(comparable(await gql(h.url, CONTACTS, { first: 'three' }, key)));
    expect(answers[0]!.errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  });
});

describe('the plan cache', () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: (_r, _a, ctx: { who: string }) => `hi ${ctx.who}` } } }),
    mutation: new GraphQLObjectType({ name: 'Mutation', fields: { ping: { type: GraphQLString, resolve: () => 'pong' } } }),
  });
  const request = (source: string): GatewayGraphQLRequestContext => {
    const document = parse(source);
    return {
      document,
      source,
      operation: document.definitions[0] as OperationDefinitionNode,
      operationName: null,
      queryHash: source,
      request: { query: source, variables: {} },
      context: { who: 'ada' },
    } as unknown as GatewayGraphQLRequestContext;
  };

  it('compiles a query on its third use, never a mutation, and keeps at most maxPlans documents', async () => {
    const plans = new CompiledQueries(schema, { compileAfter: 2, maxPlans: 3 });
    for (let i = 0; i < 3; i++) expect(await plans.execute(request('{ hello }'))).toEqual({ data: { hello: 'hi ada' } });
    expect(plans.compiledRuns).toBe(1);
    for (let i = 0; i < 4; i++) expect(await plans.execute(request('mutation { ping }'))).toEqual({ data: { ping: 'pong' } });
    expect(plans.compiledRuns).toBe(1);
    for (let i = 0; i < 10; i++) await plans.execute(request(`query Q${i} { hello }`));
    expect(plans.size).toBe(3);
    // '{ hello }' was evicted with its plan: two more uses run interpreted before it compiles again.
    await plans.execute(request('{ hello }'));
    await plans.execute(request('{ hello }'));
    expect(plans.compiledRuns).toBe(1);
    await plans.execute(request('{ hello }'));
    expect(plans.compiledRuns).toBe(2);
  });
});
