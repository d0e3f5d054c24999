/**
 * pg-boss's tables in Junction's database (schema pgboss), which sync runs' jobs go through
 * (jobs/run-queue.ts): how pg-boss reaches the database — statements on TypeORM's pool, or
 * inside a caller's transaction — its queues as Junction configures them, and the one read
 * Junction makes of its jobs itself. Here in the store because the embedded database's
 * template (embedded-template.ts) is made with pg-boss's schema and queues in place.
 */
import PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';

export const RUN_QUEUE = 'sync-run';
export const DEAD_RUN_QUEUE = 'sync-run-dead';
export const SCHEDULE_QUEUE = 'sync-schedule';
export const HOUSEKEEPING_QUEUE = 'housekeeping';

/**
 * A killed worker's job is settled by the heartbeat reaper within seconds; pg-boss's own
 * expiry is only the last resort for a run nobody reaped for most of a day.
 */
const EXPIRE_SECONDS = 23 * 3600;

type PgPool = { connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>; release(): void }> };

/**
 * pg-boss started over the DataSource's pool, its schema and queues created (`maintenance`:
 * this instance runs pg-boss's expiry and archiving).
 */
export async function startJobQueue(db: DataSource, options: { maintenance: boolean }): Promise<PgBoss> {
  const pool = (db.driver as unknown as { master: PgPool }).master;
  const boss = new PgBoss({
    db: { executeSql: (text, values) => onPooledSession(pool, text, values) },
    // The periodic schedule is a throttled queue (see scheduleTick); pg-boss's cron is unused.
    schedule: false,
    supervise: options.maintenance,
  });
  boss.on('error', () => undefined);
  await boss.start();
  // The dead-letter queue first: the run queue refers to it.
  await boss.createQueue(DEAD_RUN_QUEUE, { name: DEAD_RUN_QUEUE, retryLimit: 2 });
  // `singleton`: pg-boss itself never has two active jobs of one connection (the singleton key).
  // Retries are run-level decisions (jobs/run-retry), so a failed job goes straight to dead letters.
  await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, policy: 'singleton', retryLimit: 0, deadLetter: DEAD_RUN_QUEUE, expireInSeconds: EXPIRE_SECONDS });
  await boss.createQueue(SCHEDULE_QUEUE, { name: SCHEDULE_QUEUE, retryLimit: 0 });
  await boss.createQueue(HOUSEKEEPING_QUEUE, { name: HOUSEKEEPING_QUEUE, retryLimit: 0 });
  return boss;
}

/** Stops pg-boss; not `graceful`: the worker has already finished its run, and the pool belongs to the DataSource. */
export async function stopJobQueue(boss: PgBoss): Promise<void> {
  await boss.stop({ graceful: false, close: false, wait: true });
}

/**
 * One statement on a pooled session, which goes back to the pool even when the statement
 * failed. pg-pool's own `query` discards the session on any error, and pg-boss's fetch fails
 * by design (a unique violation it ignores) whenever a connection's next job waits behind an
 * active one. On the embedded server's single session that discard made the next statement,
 * whatever it was, fail with "Connection terminated unexpectedly": the server frees a closed
 * session asynchronously and refuses the new one meanwhile. A broken session is still
 * dropped: pg-pool checks that on release.
 */
async function onPooledSession(pool: PgPool, text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
  const session = await pool.connect();
  try {
    return await session.query(text, values);
  } finally {
    session.release();
  }
}

/** pg-boss's `db` over a TypeORM transaction: its statements join the caller's transaction. */
export function inTransaction(manager: EntityManager): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const result = (await manager.queryRunner!.query(text, values, true)) as { records: unknown[] };
      return { rows: result.records };
    },
  };
}

/** Run jobs fetched longer ago than `seconds` and still active, with the run each names. */
export async function activeRunJobs(db: DataSource, seconds: number): Promise<Array<{ jobId: string; runId: string }>> {
  const rows = (await db.query(
    `SELECT id, data->>'runId' AS run_id FROM pgboss.job WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
    [RUN_QUEUE, seconds],
  )) as Array<{ id: string; run_id: string }>;
  return rows.map((r) => ({ jobId: r.id, runId: r.run_id }));
}
