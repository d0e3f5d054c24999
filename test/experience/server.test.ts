import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { useDatabase } from '../support/database';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { waitFor } from '../support/junction-process';

const db = useDatabase();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(db);
});

afterAll(async () => {
  await h?.close();
});

describe('health routes', () => {
  it('answers /healthz with 200 {status: ok}', async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database answers and every migration is applied, 503 otherwise (as of a check a second or so old)', async () => {
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const applied = (await db.dataSource.query(`SELECT id, timestamp, name FROM migrations`)) as Array<{ id: number; timestamp: string; name: string }>;
    expect(applied.length).toBeGreaterThan(0);
    await db.dataSource.query(`DELETE FROM migrations`);
    const probe = async () => {
      const res = await fetch(`${h.url}/readyz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    try {
      // Probes answer from a recent check (readiness-cache.ts): the change shows once a check runs after it.
      const pending = await waitFor(probe, (r) => r.status === 503, 15_000, '/readyz to see the pending migrations');
      expect(pending.body).toMatchObject({ reason: 'migrations pending' });
    } finally {
      for (const m of applied) await db.dataSource.query(`INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)`, [m.id, m.timestamp, m.name]);
    }
    await waitFor(probe, (r) => r.status === 200, 15_000, '/readyz to answer 200 again');
  });

  it('answers /readyz with 503 when the database is unreachable', async () => {
    const down = { query: async () => Promise.reject(new Error('connect ECONNREFUSED')), showMigrations: async () => false } as unknown as DataSource;
    const broken = await startHarness(db, { dataSource: down });
    try {
      const res = await fetch(`${broken.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ reason: 'database unreachable' });
    } finally {
      await broken.close();
    }
  });
});

describe('errors', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR with a correlation id, no message from inside and no stack', async () => {
    const failing = await startHarness(db, {
      syncRuns: { trigger: async () => Promise.reject(new Error('relation "secret_internal_table" does not exist')), cancel: async () => ({ kind: 'NOT_FOUND' }) },
    });
    try {
      const connectionId = await insertConnection(db.dataSource);
      const res = await gql(failing.url, `mutation($id: ID!) { triggerSync(connectionId: $id, mode: INCREMENTAL) { id } }`, { id: connectionId }, await failing.keyFor('OPERATOR'));
      expect(codes(res)).toEqual(['INTERNAL_SERVER_ERROR']);
      const error = res.body.errors![0]!;
      const raw = JSON.stringify(res.body);
      expect(raw).not.toContain('secret_internal_table');
      expect(raw).not.toMatch(/stacktrace|at .*\.ts:\d+/);
      expect(error.extensions?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error.path).toEqual(['triggerSync']);
      // The log has what the response hides, under the same correlation id.
      const logged = failing.logLines.find((l) => l.includes(String(error.extensions?.correlationId)));
      expect(logged).toContain('secret_internal_table');
    } finally {
      await failing.close();
    }
  });

  it('answers malformed and oversized bodies with JSON errors, never an HTML stack page', async () => {
    const malformed = await fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(text).not.toMatch(/<html|at .*node_modules/i);

    const huge = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('turns introspection off in production', async () => {
    const query = `{ __schema { queryType { name } } }`;
    const dev = await gql<{ __schema: unknown }>(h.url, query);
    expect(dev.body.data?.__schema).toEqual({ queryType: { name: 'Query' } });
    const prod = await startHarness(db, { env: 'production' });
    try {
      const res = await gql(prod.url, query);
      expect(res.body.data ?? undefined).toBeUndefined();
      expect(res.body.errors?.[0]?.message).toMatch(/introspection/i);
    } finally {
      await prod.close();
    }
  });
});
