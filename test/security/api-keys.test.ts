/**
 * API keys over the API (CreateApiKey/RevokeApiKey), revocation reaching open sockets,
 * and failed authentications: persisted per key prefix and source address, logged
 * without the key, and throttled per address before any key look-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService, AuthFailureStore, hashApiKey } from '../../src/process/access';
import type { Database } from '../../src/process/store/database';
import { codes, gql, startHarness, type Harness } from '../experience/harness';
import { openTestDatabase, resetDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { wsClient, wsRun } from './support';

const CREATE = `mutation CreateApiKey($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { key apiKey { id name role createdAt } } }`;
const REVOKE = `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const SUBSCRIBE = `subscription { syncRunUpdated { id status } }`;

let db: Database;
let h: Harness;
let admin: string;
const issued: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  await resetDatabase(db);
  h = await startHarness(db, { security: { authThrottle: { maxFailures: 5, windowMs: 60_000 }, socketSweepMs: 100 } });
  admin = await h.keyFor('ADMIN');
  issued.push(admin);
});

afterAll(async () => {
  if (h) {
    expect(h.logLines.join('')).toContain('authentication failed');
    expectNoSecretsInLogs(h.logLines, issued);
  }
  await h?.close();
  await db?.close();
});

async function createKey(role: string, name = `key for ${role}`): Promise<{ key: string; id: string }> {
  const res = await gql<{ createApiKey: { key: string; apiKey: { id: string; role: string; name: string } } }>(h.url, CREATE, { name, role }, admin);
  expect(res.body.errors).toBeUndefined();
  const created = res.body.data!.createApiKey;
  issued.push(created.key);
  return { key: created.key, id: created.apiKey.id };
}

/** Opens a socket with a running subscription and resolves with its close code when it closes. */
async function openSubscription(key: string): Promise<{ closed: Promise<number> }> {
  const client = wsClient(h.url, `Bearer ${key}`);
  const closed = new Promise<number>((resolve) => client.on('closed', (e) => resolve((e as { code: number }).code)));
  const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  client.subscribe({ query: SUBSCRIBE }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  await connected;
  return { closed };
}

describe('CreateApiKey and RevokeApiKey', () => {
  it('issues a key shown once, stored only as a hash, that works at once with its role', async () => {
    const res = await gql<{ createApiKey: { key: string; apiKey: Record<string, unknown> } }>(h.url, CREATE, { name: '  partner portal  ', role: 'PARTNER' }, admin);
    expect(res.body.errors).toBeUndefined();
    const { key, apiKey } = res.body.data!.createApiKey;
    issued.push(key);
    expect(key).toMatch(/^jk_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'partner portal', role: 'PARTNER' });
    const rows = (await db.dataSource.query(`SELECT * FROM api_keys WHERE id = $1`, [apiKey.id])) as Array<Record<string, unknown>>;
    expect(rows[0]!.key_hash).toBe(hashApiKey(key));
    expect(JSON.stringify(rows)).not.toContain(key.slice(8));
    const me = await gql<{ viewer: { role: string } }>(h.url, `{ viewer { role } }`, {}, key);
    expect(me.body.data?.viewer.role).toBe('PARTNER');
  });

  it('refuses bad names and non-admins', async () => {
    expect(codes(await gql(h.url, CREATE, { name: '   ', role: 'VIEWER' }, admin))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(h.url, CREATE, { name: 'bell\u0007', role: 'VIEWER' }, admin))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(h.url, CREATE, { name: 'x', role: 'GOD' }, admin))).toContain('BAD_USER_INPUT');
    const operator = await h.keyFor('OPERATOR');
    issued.push(operator);
    expect(codes(await gql(h.url, CREATE, { name: 'escalate', role: 'ADMIN' }, operator))).toEqual(['FORBIDDEN']);
  });

  it('revokes a key: the next request fails and its open sockets close with 4403', async () => {
    const { key, id } = await createKey('VIEWER');
    const first = await openSubscription(key);
    const second = await openSubscription(key);
    expect((await gql(h.url, `{ viewer { role } }`, {}, key)).body.errors).toBeUndefined();

    const res = await gql<{ revokeApiKey: { id: string; revokedAt: string } }>(h.url, REVOKE, { id }, admin);
    expect(res.body.data?.revokeApiKey.id).toBe(id);
    expect(Date.parse(res.body.data!.revokeApiKey.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await first.closed).toBe(4403);
    expect(await second.closed).toBe(4403);
    expect(codes(await gql(h.url, `{ viewer { role } }`, {}, key))).toEqual(['UNAUTHENTICATED']);
    expect((await wsRun(h.url, `Bearer ${key}`, { query: SUBSCRIBE })).closeCode).toBe(4401);
    expect(codes(await gql(h.url, REVOKE, { id: '00000000-0000-4000-8000-000000000000' }, admin))).toEqual(['NOT_FOUND']);
  });

  it('closes sockets of a key revoked by another instance (seen through the database)', async () => {
    const { key, id } = await createKey('OPERATOR');
    const socket = await openSubscription(key);
    // Another instance revoking: the row changes, this instance learns from its sweep.
    await new ApiKeyService(db.dataSource).revoke(id);
    expect(await socket.closed).toBe(4403);
  });
});

describe('failed authentications', () => {
  it('are persisted per key prefix and source address, counted for the audit, and logged without the key', async () => {
    await db.dataSource.query(`DELETE FROM auth_failures`);
    const bogus = 'jk_neverIssuedNeverIssuedNeverIssuedNeverIss';
    expect(codes(await gql(h.url, `{ viewer { role } }`, {}, bogus))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql(h.url, `{ connections { id } }`))).toEqual(['UNAUTHENTICATED']);
    await h.server.authFailures.flushed();
    const rows = (await db.dataSource.query(`SELECT reason, transport, key_prefix, source_address FROM auth_failures ORDER BY id`)) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      { reason: 'UNKNOWN_KEY', transport: 'http', key_prefix: 'jk_never', source_address: expect.stringMatching(/127\.0\.0\.1/) },
      { reason: 'MISSING', transport: 'http', key_prefix: null, source_address: expect.stringMatching(/127\.0\.0\.1/) },
    ]);
    expect(JSON.stringify(rows)).not.toContain(bogus.slice(8));
    expect(await new AuthFailureStore(db.dataSource).summarySince(24)).toEqual({ total: 2, byReason: { UNKNOWN_KEY: 1, MISSING: 1 } });
    const logged = h.logLines.filter((l) => l.includes('authentication failed'));
    expect(logged.some((l) => l.includes('"keyPrefix":"jk_never"') && l.includes('UNKNOWN_KEY'))).toBe(true);
    expect(logged.join('')).not.toContain(bogus.slice(8));
  });

  it('throttles an address after 5 bad keys: 429 TOO_MANY_REQUESTS with Retry-After, no key look-up, also for a good key and over ws', async () => {
    // A server of its own, so the failures of the tests above do not count towards its throttle.
    const outer = h;
    h = await startHarness(db, { security: { authThrottle: { maxFailures: 5, windowMs: 60_000 } } });
    try {
      await throttleScenario();
      expectNoSecretsInLogs(h.logLines, issued);
    } finally {
      await h.close();
      h = outer;
    }
  });
});

async function throttleScenario(): Promise<void> {
  {
    const viewer = await h.keyFor('VIEWER');
    issued.push(viewer);
    const verifications = await countVerifications(async () => {
      for (let i = 0; i < 5; i++) await gql(h.url, `{ viewer { role } }`, {}, `jk_guess${i}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`);
    });
    expect(verifications).toBe(5);

    let throttled: Response | undefined;
    const lookups = await countVerifications(async () => {
      throttled = await fetch(`${h.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
        body: JSON.stringify({ query: '{ viewer { role } }' }),
      });
    });
    expect(lookups).toBe(0);
    expect(throttled!.status).toBe(429);
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await throttled!.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(body.errors[0]!.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(body.errors[0]!.message).toMatch(/try again in \d+ s/);

    expect((await wsRun(h.url, `Bearer ${viewer}`, { query: SUBSCRIBE })).closeCode).toBe(4429);
    // Requests without a key are not guesses and still get their usual answer.
    expect(codes(await gql(h.url, `{ connections { id } }`))).toEqual(['UNAUTHENTICATED']);
    expect(h.server.authFailures.since().some((f) => f.reason === 'THROTTLED')).toBe(true);
  }
}

/** Counts api_keys look-ups by hash (the only statement `verify` sends first). */
async function countVerifications(run: () => Promise<void>): Promise<number> {
  const service = h.apiKeys as ApiKeyService & { verify: ApiKeyService['verify'] };
  const original = service.verify.bind(service);
  let n = 0;
  service.verify = async (key) => {
    n++;
    return original(key);
  };
  try {
    await run();
  } finally {
    service.verify = original;
  }
  return n;
}
