/**
 * Housekeeping: idempotency keys older than 7 days and failed authentications older than 30
 * are dropped once an hour, by whichever instance's worker takes the hour's job; younger rows
 * stay (SPEC keeps an idempotency key at least 24 h).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneExpired } from '../../src/process/jobs/housekeeping';
import { HOUSEKEEPING_QUEUE } from '../../src/process/jobs/run-queue';
import { waitFor } from '../support/junction-process';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 1, crms: ['HUBSPOT'] });
  await h.runs.queue.ready();
});

afterAll(async () => {
  await h?.close();
});

const keys = async () =>
  ((await h.db.dataSource.query(`SELECT key FROM idempotency_keys ORDER BY key`)) as Array<{ key: string }>).map((r) => r.key);
const failures = async () =>
  ((await h.db.dataSource.query(`SELECT reason FROM auth_failures ORDER BY reason`)) as Array<{ reason: string }>).map((r) => r.reason);

async function plant(): Promise<void> {
  await h.db.dataSource.query(`DELETE FROM idempotency_keys; DELETE FROM auth_failures`);
  await h.db.dataSource.query(
    `INSERT INTO idempotency_keys (key, request_hash, created_at) VALUES
       ('partner-8-days', 'h', now() - interval '8 days'), ('webhook-6-days', 'webhook', now() - interval '6 days'), ('partner-1-hour', 'h', now() - interval '1 hour')`,
  );
  await h.db.dataSource.query(
    `INSERT INTO auth_failures (at, reason, transport) VALUES (now() - interval '31 days', 'UNKNOWN_KEY', 'http'), (now() - interval '29 days', 'FORBIDDEN_ROLE', 'http')`,
  );
}

describe('housekeeping', () => {
  it('drops rows past their retention and keeps the younger ones', async () => {
    await plant();
    expect(await pruneExpired(h.db.dataSource)).toEqual({ idempotencyKeys: 1, authFailures: 1 });
    expect(await keys()).toEqual(['partner-1-hour', 'webhook-6-days']);
    expect(await failures()).toEqual(['FORBIDDEN_ROLE']);
  });

  it('is one job per hour however many instances offer it', async () => {
    await h.db.dataSource.query(`DELETE FROM pgboss.job WHERE name = $1`, [HOUSEKEEPING_QUEUE]);
    const queue = h.runs.queue;
    await queue.offerOncePer(HOUSEKEEPING_QUEUE, 3_600_000);
    await queue.offerOncePer(HOUSEKEEPING_QUEUE, 3_600_000);
    const first = await queue.fetchPeriodic(HOUSEKEEPING_QUEUE);
    expect(first).toBeDefined();
    expect(await queue.fetchPeriodic(HOUSEKEEPING_QUEUE)).toBeUndefined();
    await queue.complete(HOUSEKEEPING_QUEUE, first!, {});
  });

  it('runs from the sync worker', async () => {
    await plant();
    await h.db.dataSource.query(`DELETE FROM pgboss.job WHERE name = $1`, [HOUSEKEEPING_QUEUE]);
    h.worker.start();
    try {
      await waitFor(keys, (left) => left.length === 2, 10_000, 'the worker to prune the 8-day-old key');
      expect(await failures()).toEqual(['FORBIDDEN_ROLE']);
    } finally {
      await h.worker.stop();
    }
  });
});
