/**
 * API keys over the API (CreateApiKey/RevokeApiKey), revocation reaching open sockets,
 * and failed authentications: persisted per key prefix and source address, logged
 * without the key, and throttled per address (a valid key is always checked first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService, AuthFailureStore, hashApiKey } from '../../src/process/access';
import { AuditService } from '../../src/process/audit/audit.service';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs } from './log-audit';
import { wsClient, wsRun } from './support';

const CREATE = `mutation CreateApiKey($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { key apiKey { id name role createdAt } } }`;
const REVOKE = `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const SUBSCRIBE = `subscription { syncRunUpdated { id status } }`;
const DAY = 86_400_000;

const db = useDatabase();
let h: Harness;
let admin: string;
const issued: string[] = [];

beforeAll(async () => {
  // The throttle is tested on a server of its own (below); here it only has to stay out of the way.
  h = await startHarness(db, { security: { authThrottle: { maxFailures: 50, windowMs: 60_000 }, socketSweepMs: 100 } });
  admin = await h.keyFor('ADMIN');
  issued.push(admin);
});

afterAll(async () => {
  if (h) {
    expect(h.logLines.join('')).toContain('authentication failed');
    expectNoSecretsInLogs(h.logLines, issued);
  }
  await h?.close();
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

describe('apiKeys, expiry and the audit of idle keys', () => {
  const LIST = `{ apiKeys { id name role prefix createdAt lastUsedAt revokedAt expiresAt } }`;
  type Listed = { id: string; name: string; role: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null; expiresAt: string | null };

  it('lists every key for an ADMIN — revoked ones included — with no field that could carry the key', async () => {
    const live = await createKey('PARTNER', 'listed partner');
    const revoked = await createKey('VIEWER', 'listed revoked');
    await gql(h.url, REVOKE, { id: revoked.id }, admin);
    const res = await gql<{ apiKeys: Listed[] }>(h.url, LIST, {}, admin);
    expect(res.body.errors).toBeUndefined();
    const listed = res.body.data!.apiKeys;
    expect(listed.find((k) => k.id === live.id)).toMatchObject({ name: 'listed partner', role: 'PARTNER', prefix: live.key.slice(0, 8), revokedAt: null, expiresAt: null });
    expect(listed.find((k) => k.id === revoked.id)?.revokedAt).toEqual(expect.any(String));
    expect(listed.map((k) => k.createdAt)).toEqual([...listed.map((k) => k.createdAt)].sort().reverse()); // newest first
    for (const key of issued) expect(JSON.stringify(res.body)).not.toContain(key.slice(8));
    const type = await gql<{ __type: { fields: Array<{ name: string }> } }>(h.url, `{ __type(name: "ApiKey") { fields { name } } }`, {}, admin);
    expect(type.body.data!.__type.fields.map((f) => f.name).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
    for (const role of ['VIEWER', 'PARTNER', 'OPERATOR'] as const) expect(codes(await gql(h.url, LIST, {}, await h.keyFor(role)))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(h.url, LIST))).toEqual(['UNAUTHENTICATED']);
  });

  it('issues a key with an expiry, refused from then on like a revoked one: HTTP, open sockets and the listing', async () => {
    const CREATE_EXPIRING = `mutation($name: String!, $role: Role!, $expiresAt: DateTime) { createApiKey(name: $name, role: $role, expiresAt: $expiresAt) { key apiKey { id expiresAt } } }`;
    const past = await gql(h.url, CREATE_EXPIRING, { name: 'already gone', role: 'VIEWER', expiresAt: new Date(Date.now() - 1000).toISOString() }, admin);
    expect(codes(past)).toEqual(['BAD_USER_INPUT']);
    expect(past.body.errors![0]!.extensions!.field).toBe('expiresAt');

    const expiresAt = new Date(Date.now() + 2_000);
    const res = await gql<{ createApiKey: { key: string; apiKey: { id: string; expiresAt: string } } }>(h.url, CREATE_EXPIRING, { name: 'short', role: 'VIEWER', expiresAt: expiresAt.toISOString() }, admin);
    expect(res.body.errors).toBeUndefined();
    const { key, apiKey } = res.body.data!.createApiKey;
    issued.push(key);
    expect(apiKey.expiresAt).toBe(expiresAt.toISOString());
    expect((await gql(h.url, `{ viewer { role } }`, {}, key)).status).toBe(200);
    const socket = await openSubscription(key);

    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 50));
    // Refused at once, although the key was verified (and cached) moments ago; its socket closes like a revoked key's.
    expect(codes(await gql(h.url, `{ viewer { role } }`, {}, key))).toEqual(['UNAUTHENTICATED']);
    expect(await socket.closed).toBe(4403);
    expect((await wsRun(h.url, `Bearer ${key}`, { query: SUBSCRIBE })).closeCode).toBe(4401);
    const listed = await gql<{ apiKeys: Listed[] }>(h.url, LIST, {}, admin);
    expect(listed.body.data!.apiKeys.find((k) => k.id === apiKey.id)).toMatchObject({ expiresAt: expiresAt.toISOString(), revokedAt: null });
  });

  it('the audit report lists keys neither used nor created in 90 days, at the audit clock', async () => {
    const clock = new Date(Date.now() + 400 * DAY);
    const at = (daysBefore: number) => new Date(clock.getTime() - daysBefore * DAY);
    const idleNever = await createKey('PARTNER', 'idle, never used');
    const idleLong = await createKey('OPERATOR', 'idle since 120 days');
    const recent = await createKey('VIEWER', 'used 30 days ago');
    const young = await createKey('VIEWER', 'created 10 days ago');
    const revoked = await createKey('ADMIN', 'idle but revoked');
    const expired = await createKey('VIEWER', 'idle but expired');
    const set = (id: string, sql: string, values: unknown[]) => db.dataSource.query(`UPDATE api_keys SET ${sql} WHERE id = $1`, [id, ...values]);
    await set(idleNever.id, `created_at = $2, last_used_at = NULL`, [at(200)]);
    await set(idleLong.id, `created_at = $2, last_used_at = $3`, [at(300), at(120)]);
    await set(recent.id, `created_at = $2, last_used_at = $3`, [at(300), at(30)]);
    await set(young.id, `created_at = $2, last_used_at = NULL`, [at(10)]);
    await set(revoked.id, `created_at = $2, revoked_at = $2`, [at(200)]);
    await set(expired.id, `created_at = $2, expires_at = $3`, [at(200), at(1)]);
    // More idle keys than the plan names one by one.
    for (let i = 0; i < 4; i++) await set((await createKey('VIEWER', `idle filler ${i}`)).id, `created_at = $2`, [at(250)]);

    const outer = h;
    h = await startHarness(db, { audit: new AuditService(db.dataSource, outer.connections, () => clock) });
    try {
      const res = await gql<{ auditReport: { access: { unusedApiKeys: Array<{ id: string; name: string; role: string; lastUsedAt: string | null }> }; plan: Array<{ action: string }> } }>(
        h.url,
        `{ auditReport { access { unusedApiKeys { id name role lastUsedAt } } plan { action } } }`,
        {},
        await h.keyFor('ADMIN'),
      );
      expect(res.body.errors).toBeUndefined();
      const flagged = res.body.data!.auditReport.access.unusedApiKeys;
      const ids = flagged.map((k) => k.id);
      expect(ids).toEqual(expect.arrayContaining([idleNever.id, idleLong.id]));
      for (const kept of [recent, young, revoked, expired]) expect(ids).not.toContain(kept.id);
      expect(flagged.find((k) => k.id === idleLong.id)).toMatchObject({ role: 'OPERATOR', lastUsedAt: at(120).toISOString() });
      expect(ids.indexOf(idleNever.id)).toBeLessThan(ids.indexOf(idleLong.id)); // longest idle first: 200 days against 120
      const revoke = res.body.data!.auditReport.plan.find((p) => p.action.startsWith('Revoke'));
      expect(flagged.length).toBeGreaterThan(5);
      expect(revoke?.action).toMatch(new RegExp(`^Revoke ${flagged.length} API key\\(s\\) unused for 90 days: (.+ \\((VIEWER|PARTNER|OPERATOR|ADMIN), jk_.{5}…\\), ){4}.+, and ${flagged.length - 5} more\\.$`));
    } finally {
      await h.close();
      h = outer;
    }
  });
});

describe('failed authentications', () => {
  it('are persisted per key prefix and source address, counted for the audit, and logged without the key', async () => {
    // Repeats the tests above left in the aggregation window are written first, then cleared.
    await h.server.authFailures.flush();
    await db.dataSource.query(`DELETE FROM auth_failures`);
    const bogus = 'jk_neverIssuedNeverIssuedNeverIssuedNeverIss';
    expect(codes(await gql(h.url, `{ viewer { role } }`, {}, bogus))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql(h.url, `{ connections { id } }`))).toEqual(['UNAUTHENTICATED']);
    await h.server.authFailures.flush();
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

  it('throttles an address after 5 bad keys: 429 TOO_MANY_REQUESTS with Retry-After for bad keys and keyless requests, while a good key still passes, also over ws', async () => {
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
  const viewer = await h.keyFor('VIEWER');
  issued.push(viewer);
  for (let i = 0; i < 5; i++) expect((await gql(h.url, `{ viewer { role } }`, {}, `jk_guess${i}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`)).status).toBe(401);

  const throttled = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer jk_guess5xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
    body: JSON.stringify({ query: '{ viewer { role } }' }),
  });
  expect(throttled.status).toBe(429);
  expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await throttled.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
  expect(body.errors[0]!.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  expect(body.errors[0]!.extensions.retryAfterSeconds).toBeGreaterThan(0);
  expect(body.errors[0]!.message).toMatch(/try again in \d+ s/);
  expect((await wsRun(h.url, 'Bearer jk_guess6xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', { query: SUBSCRIBE })).closeCode).toBe(4429);
  // Keyless requests from the throttled address wait too (issue 14, finding 5).
  expect(codes(await gql(h.url, `{ connections { id } }`))).toEqual(['TOO_MANY_REQUESTS']);
  expect((await wsRun(h.url, undefined, { query: SUBSCRIBE })).closeCode).toBe(4429);

  // The valid key is checked first and let in, over HTTP and ws.
  const me = await gql<{ viewer: { role: string } }>(h.url, `{ viewer { role } }`, {}, viewer);
  expect(me.status).toBe(200);
  expect(me.body.data?.viewer.role).toBe('VIEWER');
  expect((await wsRun(h.url, `Bearer ${viewer}`, { query: SUBSCRIBE })).quiet).toBe(true);
  expect(h.server.authFailures.since().some((f) => f.reason === 'THROTTLED')).toBe(true);
}
