import { type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJunctionPubSub, WS_CLOSE } from '../../src/experience';
import { TOPICS } from '../../src/process/events';
import type { SyncRunEntity } from '../../src/process/store/entities';
import { useDatabase } from '../support/database';
import { codes, gql, startHarness, wsClient, type Harness } from '../support/harness';
import { insertConnection } from '../support/builders';

const TRIGGER = `mutation TriggerSync($connectionId: ID!, $mode: SyncMode!, $dryRun: Boolean) { triggerSync(connectionId: $connectionId, mode: $mode, dryRun: $dryRun) { id status mode } }`;
const SYNC_RUN = `query SyncRun($id: ID!) {
  syncRun(id: $id) {
    id mode status dryRun startedAt finishedAt progress
    recordsRead recordsWritten recordsFailed recordsQuarantined apiCalls
    connection { id }
    plannedChanges { remoteId operation fields }
  }
}`;
const SYNC_RUNS = `query SyncRuns($connectionId: ID, $first: Int, $after: String) {
  syncRuns(connectionId: $connectionId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id mode status startedAt finishedAt recordsRead recordsFailed } }
  }
}`;
const SYNC_RUN_UPDATED = `subscription SyncRunUpdated($connectionId: ID) {
  syncRunUpdated(connectionId: $connectionId) { id status progress recordsRead recordsWritten recordsFailed startedAt connection { id name } }
}`;

const db = useDatabase();
let h: Harness;
let operator: string;
let viewer: string;
let sfId: string;
let hsId: string;

beforeAll(async () => {
  h = await startHarness(db);
  operator = await h.keyFor('OPERATOR');
  viewer = await h.keyFor('VIEWER');
  sfId = await insertConnection(db.dataSource, { name: 'sf' });
  hsId = await insertConnection(db.dataSource, { name: 'hs', kind: 'HUBSPOT' });
});

afterAll(async () => {
  await h?.close();
});

describe('TriggerSync, SyncRun, SyncRuns', () => {
  it('queues a run, returns the active run to a trigger of the same kind, and needs OPERATOR', async () => {
    const forbidden = await gql(h.url, TRIGGER, { connectionId: sfId, mode: 'INCREMENTAL' }, viewer);
    expect(codes(forbidden)).toEqual(['FORBIDDEN']);

    const first = await gql<{ triggerSync: { id: string; status: string; mode: string } }>(h.url, TRIGGER, { connectionId: sfId, mode: 'BULK' }, operator);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.triggerSync).toMatchObject({ status: 'QUEUED', mode: 'BULK' });
    for (const dryRun of [false, undefined]) {
      const again = await gql<{ triggerSync: { id: string } }>(h.url, TRIGGER, { connectionId: sfId, mode: 'BULK', dryRun }, operator);
      expect(again.body.data!.triggerSync.id).toBe(first.body.data!.triggerSync.id);
    }
    const rows = (await db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1`, [sfId])) as Array<{ n: number }>;
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses with CONFLICT, queueing nothing, a trigger of another mode or dry-run flag while a run is active', async () => {
    const active = ((await db.dataSource.query(`SELECT id FROM sync_runs WHERE connection_id = $1 AND status = 'QUEUED'`, [sfId])) as Array<{ id: string }>)[0]!.id;
    for (const [mode, dryRun] of [['BULK', true], ['INCREMENTAL', false], ['INCREMENTAL', true]] as const) {
      const res = await gql<{ triggerSync: unknown }>(h.url, TRIGGER, { connectionId: sfId, mode, dryRun }, operator);
      expect(codes(res)).toEqual(['CONFLICT']);
      expect(res.body.data?.triggerSync ?? null).toBeNull();
      expect(res.body.errors![0]!.message).toContain(`already has run ${active} active (BULK, QUEUED)`);
    }
    // A running dry run refuses a real trigger the same way.
    await db.dataSource.query(`UPDATE sync_runs SET status = 'RUNNING', dry_run = true WHERE id = $1`, [active]);
    const real = await gql(h.url, TRIGGER, { connectionId: sfId, mode: 'BULK' }, operator);
    expect(codes(real)).toEqual(['CONFLICT']);
    const runs = (await db.dataSource.query(`SELECT id, mode, dry_run FROM sync_runs WHERE connection_id = $1`, [sfId])) as Array<{ id: string }>;
    expect(runs).toEqual([{ id: active, mode: 'BULK', dry_run: true }]);
    await db.dataSource.query(`UPDATE sync_runs SET status = 'SUCCEEDED', finished_at = now() WHERE id = $1`, [active]);
  });

  it('answers NOT_FOUND for a connection that does not exist, BAD_USER_INPUT for one that cannot', async () => {
    const missing = await gql(h.url, TRIGGER, { connectionId: '00000000-0000-4000-8000-000000000000', mode: 'INCREMENTAL' }, operator);
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    const malformed = await gql(h.url, TRIGGER, { connectionId: 'nope', mode: 'INCREMENTAL' }, operator);
    expect(codes(malformed)).toEqual(['BAD_USER_INPUT']);
  });

  it('summarizes a dry run per operation and lists its changes only when asked', async () => {
    const plan = [
      { remoteId: '1', operation: 'APPLY', fields: { email: 'a@initech.com' } },
      { remoteId: '2', operation: 'NONE', fields: {} },
      { remoteId: '3', operation: 'NONE', fields: {} },
      { remoteId: '4', operation: 'QUARANTINE', fields: { email: 'broken' } },
      { remoteId: '5', operation: 'APPLY', fields: { lastName: 'Lee' } },
    ];
    const [dry] = (await db.dataSource.query(
      `INSERT INTO sync_runs (connection_id, mode, status, dry_run, finished_at, planned_changes) VALUES ($1, 'INCREMENTAL', 'SUCCEEDED', true, now(), $2) RETURNING id`,
      [hsId, JSON.stringify(plan)],
    )) as Array<{ id: string }>;
    const [real] = (await db.dataSource.query(`INSERT INTO sync_runs (connection_id, mode, status, finished_at) VALUES ($1, 'INCREMENTAL', 'SUCCEEDED', now()) RETURNING id`, [
      hsId,
    ])) as Array<{ id: string }>;
    const query = `query($id: ID!) { syncRun(id: $id) { plannedSummary { operation count } all: plannedChanges { remoteId } changes: plannedChanges(changesOnly: true) { remoteId operation } } }`;
    const res = await gql<{ syncRun: Record<string, unknown> }>(h.url, query, { id: dry!.id }, viewer);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.syncRun).toEqual({
      plannedSummary: [
        { operation: 'APPLY', count: 2 },
        { operation: 'NONE', count: 2 },
        { operation: 'QUARANTINE', count: 1 },
        { operation: 'SOFT_DELETE', count: 0 },
      ],
      all: plan.map((c) => ({ remoteId: c.remoteId })),
      changes: [
        { remoteId: '1', operation: 'APPLY' },
        { remoteId: '4', operation: 'QUARANTINE' },
        { remoteId: '5', operation: 'APPLY' },
      ],
    });
    const notDry = await gql<{ syncRun: Record<string, unknown> }>(h.url, query, { id: real!.id }, viewer);
    expect(notDry.body.data!.syncRun).toEqual({ plannedSummary: null, all: null, changes: null });
    await db.dataSource.query(`DELETE FROM sync_runs WHERE id = ANY($1)`, [[dry!.id, real!.id]]);
  });

  it('reads a run with its counters, connection and the planned changes of a dry run', async () => {
    const [{ id }] = (await db.dataSource.query(
      `INSERT INTO sync_runs (connection_id, mode, status, dry_run, started_at, finished_at, progress, records_read, records_written, records_failed, records_quarantined, api_calls, planned_changes, created_at)
       VALUES ($1, 'TEST_BATCH', 'SUCCEEDED', true, '2024-06-01T08:00:00Z', '2024-06-01T08:00:05Z', 1, 10, 0, 1, 2, 4,
               '[{"remoteId":"003A","operation":"UPDATE","fields":{"email":"a@b.co"}},{"remoteId":"003B","operation":"CREATE","fields":{"lastName":"Lee"}}]',
               '2024-06-01T08:00:00Z')
       RETURNING id`,
      [hsId],
    )) as Array<{ id: string }>;
    const res = await gql<{ syncRun: Record<string, unknown> }>(h.url, SYNC_RUN, { id }, viewer);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.syncRun).toEqual({
      id,
      mode: 'TEST_BATCH',
      status: 'SUCCEEDED',
      dryRun: true,
      startedAt: '2024-06-01T08:00:00.000Z',
      finishedAt: '2024-06-01T08:00:05.000Z',
      progress: 1,
      recordsRead: 10,
      recordsWritten: 0,
      recordsFailed: 1,
      recordsQuarantined: 2,
      apiCalls: 4,
      connection: { id: hsId },
      plannedChanges: [
        { remoteId: '003A', operation: 'UPDATE', fields: { email: 'a@b.co' } },
        { remoteId: '003B', operation: 'CREATE', fields: { lastName: 'Lee' } },
      ],
    });
    const missing = await gql<{ syncRun: unknown }>(h.url, SYNC_RUN, { id: '00000000-0000-4000-8000-000000000000' }, viewer);
    expect(missing.body.data!.syncRun).toBeNull();
  });

  it('lists runs newest first, per connection, with cursors', async () => {
    for (let day = 1; day <= 3; day++)
      await db.dataSource.query(`INSERT INTO sync_runs (connection_id, mode, status, created_at) VALUES ($1, 'INCREMENTAL', 'FAILED', $2)`, [hsId, `2024-07-0${day}T00:00:00Z`]);
    const all = await gql<{ syncRuns: { totalCount: number } }>(h.url, SYNC_RUNS, {}, viewer);
    expect(all.body.data!.syncRuns.totalCount).toBe(5);
    const page1 = await gql<{ syncRuns: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { mode: string; status: string } }> } }>(
      h.url,
      SYNC_RUNS,
      { connectionId: hsId, first: 2 },
      viewer,
    );
    const runs = page1.body.data!.syncRuns;
    expect(runs.totalCount).toBe(4);
    expect(runs.pageInfo.hasNextPage).toBe(true);
    const page2 = await gql<typeof page1.body.data>(h.url, SYNC_RUNS, { connectionId: hsId, first: 2, after: runs.pageInfo.endCursor }, viewer);
    const created = [...runs.edges, ...page2.body.data!.syncRuns.edges].map((e) => e.node);
    expect(created.map((n) => n.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'SUCCEEDED']);
    expect(page2.body.data!.syncRuns.pageInfo.hasNextPage).toBe(false);
  });
});

// ---------------------------------------------------------------- live

function runPayload(connectionId: string, patch: Partial<SyncRunEntity> = {}): SyncRunEntity {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    connectionId,
    mode: 'INCREMENTAL',
    status: 'RUNNING',
    dryRun: false,
    startedAt: new Date('2024-08-01T12:00:00Z'),
    finishedAt: null,
    heartbeatAt: null,
    workerId: 'w1',
    progress: 0.5,
    recordsRead: 40,
    recordsWritten: 38,
    recordsFailed: 2,
    recordsQuarantined: 0,
    recordsTotal: null,
    apiCalls: 3,
    cancelRequestedAt: null,
    plannedChanges: null,
    error: null,
    createdAt: new Date('2024-08-01T12:00:00Z'),
    notBefore: null,
    ...patch,
  };
}

/**
 * Subscribes and keeps publishing (other connection first, then the watched one) until the
 * first event arrives: the subscription is live only once the server handled `subscribe`.
 */
async function firstEvent(client: Client, connectionId: string, publish: () => void): Promise<Record<string, unknown>> {
  const iterator = client.iterate({ query: SYNC_RUN_UPDATED, variables: { connectionId } });
  const timer = setInterval(publish, 50);
  try {
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5000)),
    ]);
    if (next.done) throw new Error('subscription ended without an event');
    expect(next.value.errors).toBeUndefined();
    return (next.value.data as { syncRunUpdated: Record<string, unknown> }).syncRunUpdated;
  } finally {
    clearInterval(timer);
    await iterator.return?.();
  }
}

async function closeCode(client: Client): Promise<number> {
  return new Promise((resolve, reject) => {
    client.on('closed', (event) => resolve((event as { code: number }).code));
    client.subscribe({ query: SYNC_RUN_UPDATED }, { next: () => reject(new Error('unexpected event')), error: () => undefined, complete: () => undefined });
  });
}

describe('SyncRunUpdated over graphql-ws', () => {
  it('delivers events published through the EventBus, only for the watched connection', async () => {
    const client = wsClient(h.url, `Bearer ${viewer}`);
    try {
      const event = await firstEvent(client, sfId, () => {
        h.bundle.events.publish(TOPICS.SYNC_RUN_UPDATED, runPayload(hsId, { status: 'FAILED' }));
        h.bundle.events.publish(TOPICS.SYNC_RUN_UPDATED, runPayload(sfId));
      });
      expect(event).toEqual({
        id: '11111111-1111-4111-8111-111111111111',
        status: 'RUNNING',
        progress: 0.5,
        recordsRead: 40,
        recordsWritten: 38,
        recordsFailed: 2,
        startedAt: '2024-08-01T12:00:00.000Z',
        connection: { id: sfId, name: 'sf' },
      });
    } finally {
      await client.dispose();
    }
  });

  it('closes the socket with 4401 for a missing or unknown key and 4403 for a partner key', async () => {
    const before = h.server.authFailures.total;
    expect(await closeCode(wsClient(h.url, 'Bearer jk_unknownunknownunknownunknownunknownunknown0'))).toBe(WS_CLOSE.UNAUTHORIZED);
    expect(await closeCode(wsClient(h.url))).toBe(WS_CLOSE.UNAUTHORIZED);
    expect(h.server.authFailures.total).toBe(before + 2);
    expect(await closeCode(wsClient(h.url, `Bearer ${await h.keyFor('PARTNER')}`))).toBe(WS_CLOSE.FORBIDDEN);
  });

  it.skipIf(!inject('redisUrl'))('fans out across instances through Redis, where dates arrive as strings', async () => {
    const redisUrl = inject('redisUrl');
    const local = await startHarness(db, { redisUrl });
    const otherInstance = createJunctionPubSub(redisUrl);
    const client = wsClient(local.url, `Bearer ${await local.keyFor('VIEWER')}`);
    try {
      const event = await firstEvent(client, hsId, () => otherInstance.events.publish(TOPICS.SYNC_RUN_UPDATED, runPayload(hsId, { status: 'SUCCEEDED' })));
      expect(event).toMatchObject({ status: 'SUCCEEDED', startedAt: '2024-08-01T12:00:00.000Z', connection: { id: hsId, name: 'hs' } });
    } finally {
      await client.dispose();
      await otherInstance.close();
      await local.close();
    }
  });
});
