/**
 * The job queue sync runs go through: pg-boss over the app's own database connection.
 * Every `sync_runs` row (one attempt of a run, what the API shows) is carried by one pg-boss
 * job; any instance with a worker fetches due jobs, so work spreads over all of them. A run
 * that keeps failing is failed into a dead-letter queue, and a scheduler tick queue makes the
 * periodic schedule happen once per interval however many instances there are.
 *
 * pg-boss runs its SQL through `db.executeSql` over TypeORM's pool (and, inside a transaction,
 * over that transaction), so the embedded database's single session is shared, never doubled
 * (store/runs/job-queue.repository.ts, with the queues' set-up).
 */
import { EventEmitter } from 'node:events';
import type PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { activeRunJobs, DEAD_RUN_QUEUE, inTransaction, RUN_QUEUE, startJobQueue, stopJobQueue, type HOUSEKEEPING_QUEUE, type SCHEDULE_QUEUE } from '../store/runs/job-queue.repository';

export { DEAD_RUN_QUEUE, HOUSEKEEPING_QUEUE, RUN_QUEUE, SCHEDULE_QUEUE } from '../store/runs/job-queue.repository';

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
    this.boss ??= startJobQueue(this.db, { maintenance: this.options.maintenance ?? false }).catch((err: unknown) => {
      this.boss = undefined;
      throw err;
    });
    return this.boss;
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
      { id: run.jobId, singletonKey: run.connectionId, retryLimit: 0, startAfter: run.startAfter, db: inTransaction(manager) },
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
    await (await this.ready()).complete(queue, jobId, output, manager ? { db: inTransaction(manager) } : {});
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
    return activeRunJobs(this.db, seconds);
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
    if (boss) await stopJobQueue(boss);
  }
}
