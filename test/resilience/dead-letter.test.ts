/** A run that keeps failing for a transient reason is retried with back-off, then recorded as a dead letter. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

describe('run retries and dead letters', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({
      seed: { SALESFORCE: 5 },
      circuit: { failureThreshold: 1000 },
      runRetry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 100 },
    });
  });
  afterAll(async () => h?.close());

  it('queues attempts 2 and 3 after back-offs, then logs a DEAD_LETTER with the attempts', async () => {
    await h.faults('SALESFORCE', { rate5xx: 1 });
    const runs = await h.syncUntilSettled('SALESFORCE');
    expect(runs.map((r) => [r.status, r.attempt])).toEqual([
      ['FAILED', 1],
      ['FAILED', 2],
      ['FAILED', 3],
    ]);
    const dead = await h.sql<{ error_class: string; attempts: number; message: string }>(
      `SELECT error_class, attempts, message FROM sync_errors WHERE code = 'DEAD_LETTER'`,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ error_class: 'SERVER', attempts: 3 });
    expect(dead[0]!.message).toMatch(/gave up after 3 attempts/);
    // The per-call cause is one row too, with every call the transport made (4 per run).
    const cause = await h.sql<{ occurrences: number; attempts: number }>(`SELECT occurrences, attempts FROM sync_errors WHERE code <> 'DEAD_LETTER'`);
    expect(cause).toEqual([{ occurrences: 3, attempts: 12 }]);
  });
});
