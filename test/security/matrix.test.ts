/**
 * The permission matrix: every contract operation not pending, under every role and with
 * no key, over HTTP (queries and mutations) and over graphql-ws (all three kinds), each
 * cell checked against ALLOWED. "Allowed" means no UNAUTHENTICATED/FORBIDDEN error (other
 * errors, such as NOT_FOUND, are fine); "denied" means one of those, or a socket closed
 * with 4401/4403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService, type Role } from '../../src/process/access';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { gql, startHarness, type Harness } from '../support/harness';
import { insertContact } from '../support/builders';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { ALLOWED, variablesFor, WS_ROLES, type Fixtures } from './permissions';
import { contractOperations, isAuthError, pendingOperations, wsRun } from './support';

const ROLES: Array<Role | 'NONE'> = ['NONE', 'VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'];

const db = useDatabase();
let h: Harness;
let realConnections: ConnectionService;
let fixtures: Fixtures;
const keys = new Map<Role, string>();

beforeAll(async () => {
  realConnections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()));
  h = await startHarness(db, {
    // TestConnection's outcome is not under test here, only who may call it.
    connections: {
      create: (input) => realConnections.create(input),
      test: async () => ({ ok: true, latencyMs: 1, apiVersion: 'v62.0', message: 'stubbed for the matrix' }),
      update: (id, input) => realConnections.update(id, input),
      pause: (id, reason) => realConnections.pause(id, reason),
      resume: (id) => realConnections.resume(id),
      delete: (id) => realConnections.delete(id),
      // The CRM's setup is not under test here either (the matrix connection points at a closed port).
      setup: async () => ({ ready: false, checks: [] }),
      provision: async () => ({ ready: false, checks: [] }),
    },
    // Matrix cells with no key are not guesses, but keep the throttle out of the way regardless.
    security: { authThrottle: { maxFailures: 10_000, windowMs: 60_000 } },
  });
  for (const role of ['VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'] as Role[]) keys.set(role, await h.keyFor(role));
  const credentials = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };
  const conn = await realConnections.create({ name: 'matrix-conn', kind: 'SALESFORCE', baseUrl: 'http://127.0.0.1:9', credentials });
  let deletable = 0;
  const run = (await db.dataSource.query(`INSERT INTO sync_runs (connection_id, mode, status) VALUES ($1, 'INCREMENTAL', 'SUCCEEDED') RETURNING id`, [conn.id])) as Array<{ id: string }>;
  const apiKeys = new ApiKeyService(db.dataSource);
  fixtures = {
    connectionId: conn.id,
    contactId: await insertContact(db.dataSource),
    otherContactId: await insertContact(db.dataSource),
    syncRunId: run[0]!.id,
    missingId: '00000000-0000-4000-8000-000000000000',
    revocableKeyId: async () => (await apiKeys.create('to revoke', 'VIEWER')).apiKey.id,
    deletableConnectionId: async () => (await realConnections.create({ name: `matrix-delete-${++deletable}`, kind: 'SALESFORCE', baseUrl: 'http://127.0.0.1:9', credentials })).id,
  };
});

afterAll(async () => {
  // Every key issued here (CreateApiKey answers included) matches the jk_ pattern the audit greps for.
  if (h) expectNoSecretsInLogs(h.logLines, keys.values());
  await h?.close();
  await realConnections?.close();
});

const operations = contractOperations();
const pending = pendingOperations();
const live = operations.filter((op) => !pending.has(op.name));

describe('the expected-permission table', () => {
  it('names a contract operation in every entry, and covers every operation that is built', () => {
    const names = operations.map((o) => o.name);
    expect(Object.keys(ALLOWED).filter((name) => !names.includes(name))).toEqual([]);
    expect(live.map((o) => o.name).filter((name) => !ALLOWED[name])).toEqual([]);
  });
});

const auth = (role: Role | 'NONE'): string | undefined => (role === 'NONE' ? undefined : `Bearer ${keys.get(role)}`);

describe.each(live.filter((op) => op.kind !== 'subscription').map((op) => [op.name, op] as const))('over HTTP: %s', (name, op) => {
  it.each(ROLES)('as %s', async (role) => {
    const expected = role !== 'NONE' && ALLOWED[name]!.includes(role);
    const res = await gql(h.url, op.document, await variablesFor(name, fixtures), auth(role));
    const errors = res.body.errors ?? [];
    const cell = `${name} as ${role} over HTTP: ${JSON.stringify(errors.map((e) => e.extensions?.code))}`;
    expect(isAuthError(errors), cell).toBe(!expected);
    // Denied: nothing of the answer leaks (nullable fields come back null).
    if (!expected) expect(Object.values(res.body.data ?? {}).every((v) => v === null), cell).toBe(true);
  });
});

describe.each(live.map((op) => [op.name, op] as const))('over graphql-ws: %s', (name, op) => {
  it.each(ROLES)('as %s', async (role) => {
    const expected = role !== 'NONE' && ALLOWED[name]!.includes(role) && WS_ROLES.includes(role);
    const outcome = await wsRun(h.url, auth(role), { query: op.document, variables: await variablesFor(name, fixtures) });
    const denied = isAuthError(outcome.errors) || outcome.closeCode === 4401 || outcome.closeCode === 4403;
    const cell = `${name} as ${role} over ws: ${JSON.stringify({ close: outcome.closeCode, codes: outcome.errors.map((e) => e.extensions?.code ?? e.message) })}`;
    expect(denied, cell).toBe(!expected);
    if (expected) expect(outcome.closeCode, cell).toBeUndefined();
  });
});
