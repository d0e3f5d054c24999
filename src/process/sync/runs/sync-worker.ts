/**
 * Runs queued sync runs and keeps continuous sync going. Every run goes through pg-boss
 * (jobs/run-queue): any instance with a worker fetches due run jobs, executes the run its job
 * names, and settles the job — done, a next attempt queued after a back-off, or failed into
 * the dead-letter queue, whose jobs the worker records in the error log. A scheduler tick (one
 * per interval across all instances) queues an INCREMENTAL run per connection, at most one
 * active per connection (a unique index on `sync_runs`, and pg-boss's singleton key). Runs whose
 * worker stopped heartbeating are marked INTERRUPTED and their job settled the same way; so are
 * runs this worker was executing when it was stopped (stop() interrupts them between pages).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ErrorClass } from '../../../system';
import { resumeDueConnections } from '../../connections/connection-pause';
import { logError } from '../../health/error-log';
import { HOUSEKEEPING_INTERVAL_MS, pruneExpired } from '../../jobs/housekeeping';
import { DEAD_RUN_QUEUE, HOUSEKEEPING_QUEUE, RUN_QUEUE, SCHEDULE_QUEUE, type DeadRunJob, type RunQueue } from '../../jobs/run-queue';
import { DEFAULT_RUN_RETRY, errorClassOf, runFate, type RunFate, type RunRetrySettings } from '../../jobs/run-retry';
import { schedulableConnections } from '../../store/connections/connection-schedule.repository';
import { claimRun, insertRetryRun, interruptStaleRuns, orphanedRuns, retryChainStartedAt, runModeAndAttempt, runToSettle } from '../../store/runs/sync-run.repository';
import type { SyncEngine } from './sync-engine';
import type { SyncRunService } from './sync-run.service';

/** pg-boss's own least polling interval; a job queued in this process wakes the worker at once. */
const POLL_MS = 500;

export interface SyncWorkerOptions {
  workerId: string;
  intervalMs: number;
  /** Heartbeats older than this mark a RUNNING run as INTERRUPTED (the engine beats every 5 s). @default 20000 */
  staleAfterMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
  /** The scheduler's clock (tests move it past a quota reset). @default () => new Date() */
  now?: () => Date;
  /** Run-level retries with back-off for runs stopped by transient failures (see jobs/run-retry). */
  runRetry?: Partial<RunRetrySettings>;
}

export class SyncWorker {
  private timers: NodeJS.Timeout[] = [];
  private current: Promise<unknown> | undefined;
  /** Aborted by stop(): the run in progress ends INTERRUPTED at its next page boundary. */
  private stopping = new AbortController();
  private draining: Promise<number> | undefined;
  private ticking: Promise<unknown> | undefined;
  private drainAgain = false;
  private stopped = false;
  private stopListening: (() => void) | undefined;
  private queue: RunQueue;

  constructor(
    private db: DataSource,
    private engine: SyncEngine,
    private runs: SyncRunService,
    private options: SyncWorkerOptions,
  ) {
    this.queue = runs.queue;
  }

  start(): void {
    this.stopped = false;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    const tick = () => {
      // A slow schedule (a busy database) is not stacked up; the next interval offers again.
      this.ticking ??= this.tick()
        .then(() => this.housekeep())
        .catch((err: unknown) => this.options.log?.('warn', 'scheduling failed', { error: String(err) }))
        .finally(() => (this.ticking = undefined));
    };
    tick();
    this.timers.push(setInterval(tick, this.options.intervalMs));
    this.timers.push(setInterval(() => void this.drain(), POLL_MS));
    // A run queued in this process (a webhook, a finished run's changes) starts without waiting for the poll.
    this.stopListening = this.queue.onQueued(() => void this.drain());
  }

  /**
   * Offers this interval's scheduler tick; pg-boss keeps one per interval, so whichever
   * instance gets it schedules and the others do not.
   */
  private tick(): Promise<void> {
    return this.oncePer(SCHEDULE_QUEUE, this.options.intervalMs, () => this.scheduleAll());
  }

  /** Once an hour across all instances: rows past their retention are dropped (jobs/housekeeping). */
  private housekeep(): Promise<void> {
    return this.oncePer(HOUSEKEEPING_QUEUE, HOUSEKEEPING_INTERVAL_MS, async () => {
      const pruned = await pruneExpired(this.db);
      if (pruned.idempotencyKeys + pruned.authFailures > 0) this.options.log?.('info', 'housekeeping dropped rows past their retention', { ...pruned });
    });
  }

  /** Offers the periodic queue's job for this slot and, when this instance gets it, does the work and completes it. */
  private async oncePer(queue: typeof SCHEDULE_QUEUE | typeof HOUSEKEEPING_QUEUE, intervalMs: number, work: () => Promise<void>): Promise<void> {
    await this.queue.offerOncePer(queue, intervalMs);
    const job = await this.queue.fetchPeriodic(queue);
    if (!job) return;
    try {
      await work();
    } finally {
      await this.queue.complete(queue, job, {});
    }
  }

  /**
   * Queues an incremental run for every enabled connection that is not paused, running or
   * behind an open circuit (that waits for its probe time, the others carry on). Pauses
   * with an end (a spent daily quota) are lifted first once their time has come.
   */
  async scheduleAll(): Promise<void> {
    await this.reapStale();
    const now = this.options.now?.() ?? new Date();
    const resumed = await resumeDueConnections(this.db, now);
    if (resumed.length) this.options.log?.('info', 'connections resumed after their pause ended', { connectionIds: resumed });
    // Full runs whose sync window opened take their connection's slot before the incremental ones.
    const opened = await this.runs.queueDueScheduled();
    if (opened.length) this.options.log?.('info', 'scheduled full runs queued: their sync window opened', { runIds: opened });
    for (const id of await schedulableConnections(this.db, now)) await this.runs.trigger(id, 'INCREMENTAL');
  }

  /**
   * A run that pulled changes queued them for the other CRMs: run those now instead of at
   * their next interval, so a change (say, from a webhook) reaches every CRM in seconds.
   * Only changes queued by this run (and the earlier attempts it retried) count, so a CRM that
   * keeps failing is not re-run in a loop.
   */
  private async deliverChangesOf(runId: string): Promise<void> {
    const since = await retryChainStartedAt(this.db, runId);
    if (!since) return;
    for (const id of await schedulableConnections(this.db, this.options.now?.() ?? new Date(), new Date(since))) await this.runs.trigger(id, 'INCREMENTAL');
  }

  /**
   * Takes due run jobs (and records dead letters) until none is left; returns the runs
   * executed. A call while draining makes the running drain look once more before it ends.
   */
  async drain(): Promise<number> {
    if (this.stopped) return 0;
    if (this.draining) {
      this.drainAgain = true;
      return 0;
    }
    this.draining = this.takeJobs();
    try {
      return await this.draining;
    } finally {
      this.draining = undefined;
    }
  }

  private async takeJobs(): Promise<number> {
    let executed = 0;
    try {
      do {
        this.drainAgain = false;
        while (!this.stopped) {
          await this.recordDeadLetters();
          const job = await this.queue.fetchRun();
          if (!job) break;
          if (await this.runJob(job.id, job.data.runId)) executed++;
        }
      } while (this.drainAgain && !this.stopped);
    } catch (err) {
      this.options.log?.('warn', 'worker could not take jobs', { error: String(err) });
    }
    return executed;
  }

  /** Claims the run a job names and executes it; a run no longer queued only settles the job. */
  private async runJob(jobId: string, runId: string): Promise<boolean> {
    if (!(await claimRun(this.db, runId, this.options.workerId))) {
      await this.queue.complete(RUN_QUEUE, jobId, { skipped: 'the run is no longer queued' });
      return false;
    }
    // A job fetched just as stop() came still gets its run claimed, then interrupted at once: its next attempt is queued, not lost.
    this.current = this.engine.execute(runId, this.stopping.signal);
    await this.current.catch((err: unknown) => this.options.log?.('error', 'sync run crashed', { runId, error: String(err) }));
    this.current = undefined;
    // A run that will be retried hands its changes on when its last attempt ends, so a bulk
    // read split across attempts still reaches the other CRMs as one delivery (one Bulk job).
    if ((await this.settle(runId)) !== 'RETRY') {
      await this.deliverChangesOf(runId);
      // A change notification came while it ran, perhaps after its read: read again now.
      await this.runs.followUpNotified(runId);
    }
    return true;
  }

  /**
   * Marks runs whose worker stopped heartbeating INTERRUPTED (never SUCCEEDED) and settles their
   * jobs. So is the job of a worker killed between two steps that are not one transaction: a job
   * fetched but whose run was never claimed is handed out again, and a job whose run finished
   * but was never settled is settled now. Left alone, such a job stays active until pg-boss
   * expires it (23 h), and pg-boss hands out no other job of its connection meanwhile.
   */
  async reapStale(): Promise<void> {
    const staleSeconds = (this.options.staleAfterMs ?? 20_000) / 1000;
    for (const id of await interruptStaleRuns(this.db, staleSeconds)) await this.settle(id);
    const held = await this.queue.activeRunJobs(staleSeconds);
    if (!held.length) return;
    // A live worker claims a fetched run and settles a finished one within moments: only older ones are orphans.
    const orphans = await orphanedRuns(this.db, held.map((j) => j.runId), staleSeconds);
    if (!orphans.length) return;
    this.options.log?.('warn', 'settling run jobs a stopped worker left active', { runs: orphans });
    const unclaimed = new Set(orphans.filter((r) => r.status === 'QUEUED').map((r) => r.id));
    await this.queue.handOutAgain(held.filter((j) => unclaimed.has(j.runId)).map((j) => j.jobId));
    for (const r of orphans) if (!unclaimed.has(r.id)) await this.settle(r.id);
  }

  /**
   * Settles the job of a run that stopped, as run-retry decides: the next attempt's row and
   * job (starting after the back-off) replace it, or it is failed into the dead-letter queue,
   * or it is simply complete. Row and job change in one transaction.
   */
  private async settle(runId: string): Promise<RunFate['kind'] | undefined> {
    try {
      const run = await runToSettle(this.db, runId);
      if (!run) return undefined;
      const settings = { ...DEFAULT_RUN_RETRY, ...this.options.runRetry };
      const fate = runFate({ status: run.status, error: run.error, attempt: run.attempt, dryRun: run.dryRun }, settings);
      await this.queue.ready();
      if (fate.kind === 'DEAD_LETTER') {
        const output = { runId, connectionId: run.connectionId, mode: run.mode, errorClass: fate.errorClass, reason: fate.reason, attempts: run.attempt };
        // A run without a live job (queued before runs had jobs) is recorded directly.
        if (!run.jobId || !(await this.queue.deadLetter(run.jobId, output))) await this.recordDeadLetter(output);
        return fate.kind;
      }
      return await this.db.transaction(async (manager) => {
        let nextRunId: string | undefined;
        if (fate.kind === 'RETRY') {
          const jobId = randomUUID();
          const startAfter = new Date(Date.now() + fate.delayMs);
          // The unique index keeps it to one active run per connection: a run queued meanwhile wins.
          nextRunId = await insertRetryRun(manager, { connectionId: run.connectionId, mode: run.mode, attempt: run.attempt + 1, notBefore: startAfter, jobId });
          if (nextRunId) await this.queue.enqueue(manager, { runId: nextRunId, connectionId: run.connectionId, jobId, startAfter });
        }
        if (run.jobId) await this.queue.complete(RUN_QUEUE, run.jobId, { status: run.status, nextRunId: nextRunId ?? null }, manager);
        // A run queued meanwhile took the slot: it is the one that goes on, so this one hands on its changes now.
        return nextRunId ? 'RETRY' : 'DONE';
      });
    } catch (err) {
      this.options.log?.('warn', 'could not settle the job of a run', { runId, error: String(err) });
      return undefined;
    }
  }

  /** Records the dead-letter queue's jobs in the error log, each with its job's completion. */
  private async recordDeadLetters(): Promise<void> {
    for (let job = await this.queue.fetchDead(); job; job = await this.queue.fetchDead()) {
      try {
        const dead = await this.describeDead(job);
        await this.db.transaction(async (manager) => {
          await this.recordDeadLetter(dead, manager);
          await this.queue.complete(DEAD_RUN_QUEUE, job.id, { recorded: dead }, manager);
        });
      } catch (err) {
        // Left active, the job comes back when pg-boss expires it; the runs go on meanwhile.
        this.options.log?.('warn', 'could not record a dead letter', { jobId: job.id, error: String(err) });
      }
    }
  }

  /** Ours when a worker gave up; otherwise pg-boss expired the job, and the run row tells the rest. */
  private async describeDead(job: DeadRunJob): Promise<Parameters<SyncWorker['recordDeadLetter']>[0]> {
    const out = job.output;
    if (out.reason && out.errorClass) return { ...job.data, mode: out.mode ?? 'INCREMENTAL', errorClass: out.errorClass, reason: out.reason, attempts: out.attempts ?? 1 };
    const run = await runModeAndAttempt(this.db, job.data.runId);
    const message = out.value?.message ?? 'the job queue gave up on the run';
    return { ...job.data, mode: run?.mode ?? 'INCREMENTAL', errorClass: errorClassOf(null), reason: `gave up: ${message}`, attempts: run?.attempt ?? 1 };
  }

  private async recordDeadLetter(
    dead: { runId: string; connectionId: string; mode: string; errorClass: string; reason: string; attempts: number },
    manager = this.db.manager,
  ): Promise<void> {
    await logError(manager, {
      connectionId: dead.connectionId,
      runId: dead.runId,
      errorClass: dead.errorClass as ErrorClass,
      code: 'DEAD_LETTER',
      message: dead.reason,
      endpoint: `sync run ${dead.mode}`,
      attempts: dead.attempts,
    });
  }

  /**
   * Takes no more jobs, and interrupts the run in progress at its next page boundary: it ends
   * INTERRUPTED and its next attempt is queued (run-retry) for whichever worker starts next.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.stopping.abort();
    await this.current?.catch(() => undefined);
    await this.draining?.catch(() => undefined);
    await this.ticking;
  }
}

