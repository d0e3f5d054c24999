import { describe, expect, it } from 'vitest';
import { ApiKeyService, hashApiKey } from '../../src/process/access';
import { useDatabase } from '../support/database';
import { codes, gql, useHarness } from '../support/harness';

const CONNECTIONS = `query Connections { connections { id name kind baseUrl apiVersion status circuit tokenExpiresAt lastSuccessfulSyncAt apiUsage { used limit ratio resetsAt } } }`;
const CREATE = `mutation CreateConnection($input: CreateConnectionInput!) { createConnection(input: $input) { id name kind baseUrl apiVersion status } }`;
const CONTACTS = `query { contacts(first: 1) { totalCount } }`;
const input = (name: string) => ({
  name,
  kind: 'SALESFORCE',
  baseUrl: 'http://127.0.0.1:4101/',
  credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' },
});

const db = useDatabase();
const h = useHarness(db);

describe('API keys', () => {
  it('issues jk_ keys of 32 random bytes, stores only their SHA-256 and a short prefix', async () => {
    const { key, apiKey } = await h.apiKeys.create('ci', 'VIEWER');
    expect(key).toMatch(/^jk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.prefix).toBe(key.slice(0, 8));
    const [row] = (await db.dataSource.query(`SELECT key_hash, prefix FROM api_keys WHERE id = $1`, [apiKey.id])) as Array<{ key_hash: string }>;
    expect(row!.key_hash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await h.apiKeys.verify(key)).toEqual({ id: apiKey.id, role: 'VIEWER' });
  });

  it('stops accepting a revoked key and writes last_used_at at most once a minute', async () => {
    const { key, apiKey } = await h.apiKeys.create('short-lived', 'OPERATOR');
    await h.apiKeys.verify(key);
    const first = (await db.dataSource.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [apiKey.id])) as Array<{ last_used_at: Date }>;
    expect(first[0]!.last_used_at).toBeInstanceOf(Date);
    await h.apiKeys.verify(key);
    const second = (await db.dataSource.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [apiKey.id])) as Array<{ last_used_at: Date }>;
    expect(second[0]!.last_used_at.getTime()).toBe(first[0]!.last_used_at.getTime());
    expect((await h.apiKeys.revoke(apiKey.id))?.revokedAt).toBeInstanceOf(Date);
    expect(await h.apiKeys.verify(key)).toBeNull();
    expect(await h.apiKeys.revoke('not-a-uuid')).toBeNull();
  });

  it('bootstraps an admin key once: a configured one is stored and never handed back, else one is generated only while no admin exists', async () => {
    await db.dataSource.query(`DELETE FROM api_keys WHERE role = 'ADMIN'`);
    const service = new ApiKeyService(db.dataSource);
    const { generatedKey } = await service.ensureBootstrapAdmin(undefined);
    expect(generatedKey).toMatch(/^jk_/);
    expect((await service.verify(generatedKey!))?.role).toBe('ADMIN');
    expect(await service.ensureBootstrapAdmin(undefined)).toEqual({ generatedKey: undefined });

    // Start-up prints only what comes back here: a configured key must not (issue 14, finding 7).
    const configured = 'configured-admin-key-0123456789';
    expect(await service.ensureBootstrapAdmin(configured)).toEqual({ generatedKey: undefined });
    expect(await service.ensureBootstrapAdmin(configured)).toEqual({ generatedKey: undefined });
    expect((await service.verify(configured))?.role).toBe('ADMIN');

    // Every admin key expired: a new one is generated, or no administrator could get in.
    await db.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE role = 'ADMIN'`);
    expect((await service.ensureBootstrapAdmin(undefined)).generatedKey).toMatch(/^jk_/);
  });
});

describe('authentication and roles over HTTP', () => {
  it('answers UNAUTHENTICATED (HTTP 401) without a key, and counts the failure', async () => {
    const before = h.server.authFailures.total;
    const res = await gql(h.url, CONNECTIONS);
    expect(res.status).toBe(401);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.data ?? null).toBeNull();
    expect(h.server.authFailures.total).toBe(before + 1);
  });

  it('rejects an unknown or malformed key with UNAUTHENTICATED and never logs it', async () => {
    const before = h.server.authFailures.total;
    const bogus = 'jk_thisKeyWasNeverIssuedByJunction0000000000000';
    const unknown = await gql(h.url, CONNECTIONS, {}, bogus);
    expect(unknown.status).toBe(401);
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
    const malformed = await gql(h.url, CONNECTIONS, {}, 'Basic dXNlcjpwYXNz');
    expect(codes(malformed)).toEqual(['UNAUTHENTICATED']);
    expect(h.server.authFailures.total).toBe(before + 2);
    expect(h.server.authFailures.since().map((f) => f.reason)).toEqual(expect.arrayContaining(['UNKNOWN_KEY', 'MALFORMED']));
    const logs = h.logLines.join('');
    expect(logs).toContain('authentication failed');
    expect(logs).not.toContain(bogus);
    expect(logs).not.toContain(bogus.slice(3, 20));
    expect(logs).not.toContain('dXNlcjpwYXNz');
  });

  it('lets a viewer read connections but not create one', async () => {
    const viewer = await h.keyFor('VIEWER');
    const read = await gql<{ connections: unknown[] }>(h.url, CONNECTIONS, {}, viewer);
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    expect(Array.isArray(read.body.data?.connections)).toBe(true);

    const create = await gql(h.url, CREATE, { input: input('viewer-attempt') }, viewer);
    expect(codes(create)).toEqual(['FORBIDDEN']);
    const rows = (await db.dataSource.query(`SELECT 1 FROM connections WHERE name = 'viewer-attempt'`)) as unknown[];
    expect(rows).toHaveLength(0);
  });

  it('lets an operator trigger syncs but not create connections (ladder VIEWER < OPERATOR < ADMIN)', async () => {
    const res = await gql(h.url, CREATE, { input: input('operator-attempt') }, await h.keyFor('OPERATOR'));
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });

  it('lets an admin create a connection, sealing the credentials, and shows it in Connections', async () => {
    const admin = await h.keyFor('ADMIN');
    const res = await gql<{ createConnection: Record<string, unknown> }>(h.url, CREATE, { input: input('sf-prod') }, admin);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.createConnection).toMatchObject({ name: 'sf-prod', kind: 'SALESFORCE', baseUrl: 'http://127.0.0.1:4101', status: 'UNKNOWN' });
    expect(res.body.data?.createConnection.apiVersion).toMatch(/\S/);
    const [row] = (await db.dataSource.query(`SELECT credentials_sealed FROM connections WHERE name = 'sf-prod'`)) as Array<{ credentials_sealed: string }>;
    expect(row!.credentials_sealed).not.toContain('sandbox-secret');

    await db.dataSource.query(`UPDATE connections SET api_used = 250, api_limit = 1000, api_resets_at = '2030-01-01T00:00:00Z' WHERE name = 'sf-prod'`);
    const list = await gql<{ connections: Array<Record<string, unknown>> }>(h.url, CONNECTIONS, {}, await h.keyFor('VIEWER'));
    const listed = list.body.data?.connections.find((c) => c.name === 'sf-prod');
    expect(listed?.apiUsage).toEqual({ used: 250, limit: 1000, ratio: 0.25, resetsAt: '2030-01-01T00:00:00.000Z' });
    expect(listed?.circuit).toBe('CLOSED');
  });

  it('answers BAD_USER_INPUT naming the field for an invalid connection input', async () => {
    const res = await gql(h.url, CREATE, { input: { ...input('bad-url'), baseUrl: 'ftp://nowhere' } }, await h.keyFor('ADMIN'));
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors?.[0]?.extensions?.field).toBe('baseUrl');
  });

  it('lets a partner read contacts but not connections or sync runs', async () => {
    const partner = await h.keyFor('PARTNER');
    const contacts = await gql(h.url, CONTACTS, {}, partner);
    expect(contacts.body.errors).toBeUndefined();
    expect(codes(await gql(h.url, CONNECTIONS, {}, partner))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(h.url, `{ syncRuns { totalCount } }`, {}, partner))).toEqual(['FORBIDDEN']);
  });

  it('tells a client its own role', async () => {
    const res = await gql<{ viewer: { role: string } }>(h.url, `{ viewer { apiKeyId role } }`, {}, await h.keyFor('OPERATOR'));
    expect(res.body.data?.viewer.role).toBe('OPERATOR');
  });
});
