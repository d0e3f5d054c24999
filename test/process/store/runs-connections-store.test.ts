/**
 * The run and connection repositories' statements that no service test pins down row by row:
 * which connections the scheduler picks, the start of a run's retry chain, the reaper's stale
 * and orphaned runs, pauses that end by themselves, a token ordered against a refusal, webhook
 * delivery keys, the gate's quarantine read and a rebaseline. Each runs against rows placed on
 * its edges, on PostgreSQL and PGlite.
 */
import { describe, expect, it } from 'vitest';
import { schedulableConnections } from '../../../src/process/store/connections/connection-schedule.repository';
import { endDuePauses, recordRefusal, recordTokenIssued } from '../../../src/process/store/connections/connection-status.repository';
import { pruneIdempotencyKeys, recordWebhookDeliveries } from '../../../src/process/store/runs/idempotency-key.repository';
import { forgetSyncStateAndQueueAll } from '../../../src/process/store/runs/rebaseline.repository';
import { interruptStaleRuns, orphanedRuns, retryChainStartedAt } from '../../../src/process/store/runs/sync-run.repository';
import { databaseNow, quarantinedSince } from '../../../src/process/store/runs/test-batch.repository';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../../support/builders';
import { useDatabase } from '../../support/database';

const db = useDatabase({ resetEach: true });
const MINUTE = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE);


const sql = (text: string, params: unknown[] = []) => db.dataSource.query(text, params);
const run = async (connectionId: string, values: { status: string; attempt?: number; createdAt?: Date; startedAt?: Date | null; finishedAt?: Date | null; heartbeatAt?: Date | null }) => {
  const rows = (await sql(
    `INSERT INTO sync_runs (connection_id, mode, status, attempt, created_at, started_at, finished_at, heartbeat_at) VALUES ($1, 'INCREMENTAL', $2, $3, $4, $5, $6, $7) RETURNING id`,
    [connectionId, values.status, values.attempt ?? 1, values.createdAt ?? new Date(), values.startedAt ?? null, values.finishedAt ?? null, values.heartbeatAt ?? null],
  )) as Array<{ id: string }>;
  return rows[0]!.id;
};

describe('schedulableConnections', () => {
  it('picks enabled, live, unpaused connections with usable credentials whose circuit lets a run through, oldest first', async () => {
    const now = new Date();
    const plain = await insertConnection(db.dataSource, { created_at: ago(10) });
    const probeDue = await insertConnection(db.dataSource, { created_at: ago(9), circuit: 'OPEN', circuit_retry_at: ago(1) });
    await insertConnection(db.dataSource, { circuit: 'OPEN', circuit_retry_at: new Date(now.getTime() + MINUTE) });
    await insertConnection(db.dataSource, { enabled: false });
    await insertConnection(db.dataSource, { status: 'PAUSED' });
    await insertConnection(db.dataSource, { credentials_refused_at: ago(5) });
    await insertConnection(db.dataSource, { deleted_at: ago(5) });
    expect(await schedulableConnections(db.dataSource, now)).toEqual([plain, probeDue]);
  });

  it('with a time, only those with undelivered changes queued since then', async () => {
    const since = ago(5);
    const [fresh, old, delivered] = [await insertConnection(db.dataSource), await insertConnection(db.dataSource), await insertConnection(db.dataSource)];
    const contact = await insertContact(db.dataSource);
    const queue = (connectionId: string, createdAt: Date, deliveredAt: Date | null = null) =>
      sql(`INSERT INTO outbox (connection_id, record_kind, record_id, created_at, delivered_at) VALUES ($1, 'CONTACT', $2, $3, $4)`, [connectionId, contact, createdAt, deliveredAt]);
    await queue(fresh, ago(1));
    await queue(old, ago(10));
    await queue(delivered, ago(1), ago(0));
    expect(await schedulableConnections(db.dataSource, new Date(), since)).toEqual([fresh]);
  });
});

describe('retryChainStartedAt', () => {
  it('is the start of the latest first attempt up to the run, not of a later chain', async () => {
    const connection = await insertConnection(db.dataSource);
    const firstStarted = ago(30);
    await run(connection, { status: 'FAILED', attempt: 1, createdAt: ago(60), startedAt: ago(60) });
    await run(connection, { status: 'FAILED', attempt: 1, createdAt: ago(31), startedAt: firstStarted });
    const retry = await run(connection, { status: 'FAILED', attempt: 2, createdAt: ago(20), startedAt: ago(20) });
    await run(connection, { status: 'SUCCEEDED', attempt: 1, createdAt: ago(10), startedAt: ago(10) });
    expect((await retryChainStartedAt(db.dataSource, retry))?.getTime()).toBe(firstStarted.getTime());
    expect(await retryChainStartedAt(db.dataSource, '00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });
});

describe('the reaper', () => {
  it('interrupts only RUNNING runs whose heartbeat is stale', async () => {
    const [a, b, c] = [await insertConnection(db.dataSource), await insertConnection(db.dataSource), await insertConnection(db.dataSource)];
    const stale = await run(a, { status: 'RUNNING', heartbeatAt: ago(2) });
    await run(b, { status: 'RUNNING', heartbeatAt: new Date() });
    await run(c, { status: 'FAILED', heartbeatAt: ago(2) });
    expect(await interruptStaleRuns(db.dataSource, 60)).toEqual([stale]);
    expect(await sql(`SELECT status, error FROM sync_runs WHERE id = $1`, [stale])).toEqual([{ status: 'INTERRUPTED', error: 'the worker running it stopped (no heartbeat)' }]);
  });

  it('finds as orphans the runs still QUEUED and those that ended long enough ago', async () => {
    const [a, b, c, d] = [await insertConnection(db.dataSource), await insertConnection(db.dataSource), await insertConnection(db.dataSource), await insertConnection(db.dataSource)];
    const queued = await run(a, { status: 'QUEUED' });
    const endedLongAgo = await run(b, { status: 'SUCCEEDED', finishedAt: ago(5) });
    const endedJustNow = await run(c, { status: 'SUCCEEDED', finishedAt: new Date() });
    const running = await run(d, { status: 'RUNNING', heartbeatAt: ago(5) });
    const orphans = await orphanedRuns(db.dataSource, [queued, endedLongAgo, endedJustNow, running], 60);
    expect(orphans.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { id: queued, status: 'QUEUED' },
        { id: endedLongAgo, status: 'SUCCEEDED' },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
  });
});

describe('connection status', () => {
  it('ends the pauses whose time has come, not a person’s pause', async () => {
    const due = await insertConnection(db.dataSource, { status: 'PAUSED', paused_until: ago(1), status_reason: 'quota' });
    await insertConnection(db.dataSource, { status: 'PAUSED', paused_until: new Date(Date.now() + MINUTE) });
    await insertConnection(db.dataSource, { status: 'PAUSED', paused_until: null });
    expect(await endDuePauses(db.dataSource, new Date())).toEqual([due]);
    expect(await sql(`SELECT status, status_reason, paused_until FROM connections WHERE id = $1`, [due])).toEqual([{ status: 'HEALTHY', status_reason: null, paused_until: null }]);
  });

  it('a token issued before the refusal leaves it standing; one issued after ends it', async () => {
    const connection = await insertConnection(db.dataSource, { status: 'HEALTHY' });
    const refusedAt = ago(5);
    await recordRefusal(db.dataSource, connection, refusedAt, 'refused');
    expect(await recordTokenIssued(db.dataSource, connection, { expiresAt: new Date(Date.now() + 60 * MINUTE).toISOString() }, ago(10))).toBe(false);
    expect(await sql(`SELECT status FROM connections WHERE id = $1`, [connection])).toEqual([{ status: 'FAILING' }]);
    expect(await recordTokenIssued(db.dataSource, connection, { expiresAt: new Date(Date.now() + 60 * MINUTE).toISOString(), organizationId: '00Dorg' }, new Date())).toBe(true);
    expect(await sql(`SELECT status, credentials_refused_at, settings->>'organizationId' AS org FROM connections WHERE id = $1`, [connection])).toEqual([
      { status: 'HEALTHY', credentials_refused_at: null, org: '00Dorg' },
    ]);
  });
});

describe('idempotency keys', () => {
  it('counts only the deliveries not seen before, and prunes by age', async () => {
    expect(await recordWebhookDeliveries(db.dataSource, ['webhook:a', 'webhook:b'])).toBe(2);
    expect(await recordWebhookDeliveries(db.dataSource, ['webhook:b', 'webhook:c'])).toBe(1);
    expect(await recordWebhookDeliveries(db.dataSource, ['webhook:a'])).toBe(0);
    await sql(`UPDATE idempotency_keys SET created_at = now() - interval '8 days' WHERE key = 'webhook:a'`);
    expect(await pruneIdempotencyKeys(db.dataSource, 7)).toBe(1);
    expect(((await sql(`SELECT key FROM idempotency_keys ORDER BY key`)) as Array<{ key: string }>).map((r) => r.key)).toEqual(['webhook:b', 'webhook:c']);
  });
});

describe('quarantinedSince', () => {
  it('lists the connection’s pending entries since then, oldest first, with their rules', async () => {
    const connection = await insertConnection(db.dataSource);
    const other = await insertConnection(db.dataSource);
    const since = await databaseNow(db.dataSource);
    const quarantine = (connectionId: string, remoteId: string, status: string, updatedAt: Date, issues: unknown) =>
      sql(`INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues, status, updated_at) VALUES ($1, 'CONTACT', 'Contact', $2, '{}', $3, $4, $5)`, [
        connectionId,
        remoteId,
        JSON.stringify(issues),
        status,
        updatedAt,
      ]);
    await quarantine(connection, 'before', 'PENDING', new Date(since.getTime() - MINUTE), []);
    await quarantine(connection, 'second', 'PENDING', new Date(since.getTime() + 2000), [{ field: 'email', rule: 'FORMAT', message: 'not an address' }, { rule: 'REQUIRED' }]);
    await quarantine(connection, 'first', 'PENDING', new Date(since.getTime() + 1000), []);
    await quarantine(connection, 'discarded', 'DISCARDED', new Date(since.getTime() + 1000), []);
    await quarantine(other, 'elsewhere', 'PENDING', new Date(since.getTime() + 1000), []);
    expect(await quarantinedSince(db.dataSource, connection, since)).toEqual([
      { type: 'Contact', id: 'first', problem: '' },
      { type: 'Contact', id: 'second', problem: 'email:FORMAT not an address; :REQUIRED' },
    ]);
  });
});

describe('forgetSyncStateAndQueueAll', () => {
  it('drops the connection’s links, cursors and pending outbox, and queues every live record', async () => {
    const connection = await insertConnection(db.dataSource);
    const other = await insertConnection(db.dataSource);
    const company = await insertCompany(db.dataSource);
    await insertCompany(db.dataSource, { deleted_at: new Date() });
    const live = await insertContact(db.dataSource);
    const merged = await insertContact(db.dataSource);
    await sql(`UPDATE contacts SET merged_into = $1 WHERE id = $2`, [live, merged]);
    await insertSourceLink(db.dataSource, { connection_id: connection, record_id: live });
    await insertSourceLink(db.dataSource, { connection_id: other, record_id: live });
    await sql(`INSERT INTO sync_cursors (connection_id, remote_type, cursor) VALUES ($1, 'Contact', 'c1'), ($2, 'Contact', 'c2')`, [connection, other]);
    await sql(`INSERT INTO outbox (connection_id, record_kind, record_id) VALUES ($1, 'CONTACT', $2)`, [connection, merged]);
    const queued = await db.dataSource.transaction((m) => forgetSyncStateAndQueueAll(m, connection));
    expect(queued).toBe(2);
    expect(await sql(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1`, [connection])).toEqual([{ n: 0 }]);
    expect(await sql(`SELECT connection_id FROM sync_cursors`)).toEqual([{ connection_id: other }]);
    const outbox = (await sql(`SELECT record_kind, record_id FROM outbox WHERE connection_id = $1 ORDER BY record_kind`, [connection])) as unknown[];
    expect(outbox).toEqual([
      { record_kind: 'COMPANY', record_id: company },
      { record_kind: 'CONTACT', record_id: live },
    ]);
  });
});
