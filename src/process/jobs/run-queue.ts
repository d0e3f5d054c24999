/**
 * The job queue sync runs go through: pg-boss over the app's own database connection.
 * Every `sync_runs` row (one attempt of a run, what the API shows) is carried by one pg-boss
 * job; any instance with a worker fetches due jobs, so work spreads over all of them. A run
 * that keeps failing is failed into a dead-letter queue, and a scheduler tick queue makes the
 * periodic schedule happen once per interval however many instances there are.
 *
 * pg-boss runs its SQL through `db.executeSql` over TypeORM's pool (and, inside a transaction,
 * over that transaction), so the embedded database's single session is shared, never doubled.
 */
import { EventEmitter } from 'node:events';
import PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';

export const RUN_QUEUE = 'sync-run';
export const DEAD_RUN_QUEUE = 'sync-run-dead';
export const SCHEDULE_QUEUE = 'sync-schedule';
export const HOUSEKEEPING_QUEUE = 'housekeeping';

/** What a run job carries: the `sync_runs` row it executes. */
export interface RunJobData {
  runId: string;
  connectionId: string;
}

/** What a job that exhausted its run's attempts records (pg-boss copies it into the dead-letter queue). */
export interface DeadRunOutput {
  runId: string;
  connectionId: string;
  mode: string;
  errorClass: string;
  reason: string;
  attempts: number;
}

export interface DeadRunJob {
  id: string;
  data: RunJobData;
  /** Ours when a worker gave up; pg-boss's own (`{ value: { message } }`) when it expired the job. */
  output: Partial<DeadRunOutput> & { value?: { message?: string } };
}

export interface RunQueueOptions {
  /** Run pg-boss maintenance (expiry, archiving) in this instance. Off for short-lived users such as tests. @default false */
  maintenance?: boolean;
}

/**
 * A killed worker's job is settled by the heartbeat reaper within seconds; pg-boss's own
 * expiry is only the last resort for a run nobody reaped for most of a day.
 */
const EXPIRE_SECONDS = 23 * 3600;

type PgPool = { connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>; release(): void }> };

export class RunQueue {
  private static shared = new WeakMap<DataSource, RunQueue>();
  private boss: Promise<PgBoss> | undefined;
  private stopped = false;
  private wakeups = new EventEmitter();

  /** The queue of a DataSource, started on first use (harnesses and services that were not handed one). */
  static for(db: DataSource): RunQueue {
    let queue = RunQueue.shared.get(db);
    if (!queue) RunQueue.shared.set(db, (queue = new RunQueue(db)));
    return queue;
  }

  constructor(
    private db: DataSource,
    private options: RunQueueOptions = {},
  ) {
    if (!RunQueue.shared.has(db)) RunQueue.shared.set(db, this);
  }

  /** pg-boss, its schema and queues created; a failed start is tried again on the next call. */
  ready(): Promise<PgBoss> {
    if (this.stopped) return Promise.reject(new Error('the job queue has stopped'));
    this.boss ??= this.startBoss().catch((err: unknown) => {
      this.boss = undefined;
      throw err;
    });
    return this.boss;
  }

  private async startBoss(): Promise<PgBoss> {
    const pool = (this.db.driver as unknown as { master: PgPool }).master;
    const boss = new PgBoss({
      db: { executeSql: (text, values) => onPooledSession(pool, text, values) },
      // The periodic schedule is a throttled queue (see scheduleTick); pg-boss's cron is unused.
      schedule: false,
      supervise: this.options.maintenance ?? false,
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

  /**
   * Queues the job for a run row inside the caller's transaction (so the row and its job
   * exist together or not at all). Call `ready()` first: starting pg-boss inside a
   * transaction would wait for the embedded database's only session.
   */
  async enqueue(manager: EntityManager, run: RunJobData & { jobId: string; startAfter?: Date }): Promise<void> {
    const boss = await this.ready();
    const id = await boss.send(
      RUN_QUEUE,
      { runId: run.runId, connectionId: run.connectionId },
      { id: run.jobId, singletonKey: run.connectionId, retryLimit: 0, startAfter: run.startAfter, db: over(manager) },
    );
    if (!id) throw new Error(`pg-boss refused the job of sync run ${run.runId}`);
  }

  /** Tells this process's worker, if any, that a job was queued (after the caller committed). */
  notifyQueued(): void {
    this.wakeups.emit('queued');
  }

  onQueued(listener: () => void): () => void {
    this.wakeups.on('queued', listener);
    return () => this.wakeups.off('queued', listener);
  }

  async fetchRun(): Promise<{ id: string; data: RunJobData } | undefined> {
    const [job] = await (await this.ready()).fetch<RunJobData>(RUN_QUEUE);
    return job;
  }

  async fetchDead(): Promise<DeadRunJob | undefined> {
    const [job] = await (await this.ready()).fetch<RunJobData>(DEAD_RUN_QUEUE, { includeMetadata: true });
    return job ? { id: job.id, data: job.data, output: (job as unknown as { output: DeadRunJob['output'] | null }).output ?? {} } : undefined;
  }

  async complete(queue: string, jobId: string, output: object, manager?: EntityManager): Promise<void> {
    await (await this.ready()).complete(queue, jobId, output, manager ? { db: over(manager) } : {});
  }

  /** Fails a run job for good: pg-boss moves it to the dead-letter queue with this output. False when the job was no longer live. */
  async deadLetter(jobId: string, output: DeadRunOutput): Promise<boolean> {
    const result = (await (await this.ready()).fail(RUN_QUEUE, jobId, output)) as unknown as { affected?: number } | undefined;
    return (result?.affected ?? 0) > 0;
  }

  /**
   * Offers a job of a periodic queue (the scheduler tick, housekeeping) for the current
   * interval slot. pg-boss keeps one job per slot (throttling by singleton key), so however
   * many instances offer it, one of them does the work.
   */
  async offerOncePer(queue: typeof SCHEDULE_QUEUE | typeof HOUSEKEEPING_QUEUE, intervalMs: number): Promise<void> {
    const seconds = Math.max(1, Math.round(intervalMs / 1000));
    await (await this.ready()).sendThrottled(queue, {}, { retryLimit: 0 }, seconds, 'tick');
  }

  /** The id of a due job of a periodic queue, now this instance's to do and complete. */
  async fetchPeriodic(queue: typeof SCHEDULE_QUEUE | typeof HOUSEKEEPING_QUEUE): Promise<string | undefined> {
    const [job] = await (await this.ready()).fetch(queue);
    return job?.id;
  }

  /** Run jobs fetched longer ago than `seconds` and still active, with the run each names (the worker's reaper judges them). */
  async activeRunJobs(seconds: number): Promise<Array<{ jobId: string; runId: string }>> {
    await this.ready();
    const rows = (await this.db.query(
      `SELECT id, data->>'runId' AS run_id FROM pgboss.job WHERE name = $1 AND state = 'active' AND started_on < now() - make_interval(secs => $2)`,
      [RUN_QUEUE, seconds],
    )) as Array<{ id: string; run_id: string }>;
    return rows.map((r) => ({ jobId: r.id, runId: r.run_id }));
  }

  /** Makes active jobs fetchable again (pg-boss has no "un-fetch": cancelled, then resumed). */
  async handOutAgain(jobIds: string[]): Promise<void> {
    if (!jobIds.length) return;
    const boss = await this.ready();
    await boss.cancel(RUN_QUEUE, jobIds);
    await boss.resume(RUN_QUEUE, jobIds);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const boss = await this.boss?.catch(() => undefined);
    this.boss = undefined;
    // Not `graceful`: the worker has already finished its run, and the pool belongs to the DataSource.
    await boss?.stop({ graceful: false, close: false, wait: true });
  }
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
export function over(manager: EntityManager): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const result = (await manager.queryRunner!.query(text, values, true)) as { records: unknown[] };
      return { rows: result.records };
    },
  };
}
