/** Sync-run commands and lookups: what the API triggers and reads. */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventBus } from '../../events';
import { TOPICS } from '../../events';
import { RunQueue } from '../../jobs/run-queue';
import { SyncRunEntity, type SyncMode } from '../../store/entities';
import { dueScheduledRuns, insertQueuedRun, insertScheduledRun, markNotifiedWhileRunning, notifiedWhileRunning, queueScheduledRun } from '../../store/runs/sync-run.repository';
import { connectionSettings } from '../../store/connections/connection-schedule.repository';
import { fullRunsAllowed, nextWindowOpening, scheduleOf } from '../../connections/sync-schedule';
import { requestCancel } from '../../store/runs/run-cancel.repository';

/**
 * What a trigger did: queued the run, found the same run (mode and dry-run flag) already
 * queued or running, or queued nothing because another kind of run is active.
 */
export type TriggerOutcome = { kind: 'QUEUED' | 'ACTIVE' | 'SCHEDULED'; run: SyncRunEntity } | { kind: 'CONFLICT'; active: SyncRunEntity };

/** The run a trigger queued or found; a CONFLICT throws — for callers sure no other kind of run is active (tests, benchmarks). */
export function runOf(outcome: TriggerOutcome): SyncRunEntity {
  if (outcome.kind === 'CONFLICT') throw new Error(`another run (${outcome.active.mode}${outcome.active.dryRun ? ', dry' : ''}) is active: ${outcome.active.id}`);
  return outcome.run;
}

/**
 * What a cancel did: the run (CANCELLED, or still RUNNING when it did not reach a page boundary
 * within CANCEL_WAIT_MS — it ends CANCELLED there), the run that had ended already, or none.
 */
export type CancelOutcome = { kind: 'CANCELLED' | 'ENDED'; run: SyncRunEntity } | { kind: 'NOT_FOUND' };

/** How long a cancel waits for the run to stop: a page, or the engine's 5 s heartbeat during a long vendor call. */
const CANCEL_WAIT_MS = 10_000;

/** Attempts at queueing when the active run ends between the insert and the look-up. */
const TRIGGER_ATTEMPTS = 3;

export class SyncRunService {
  constructor(
    private db: DataSource,
    private events: EventBus,
    /** The pg-boss queue runs go through. @default the DataSource's shared queue */
    readonly queue: RunQueue = RunQueue.for(db),
    /** The clock sync windows are read with (tests move it). */
    private now: () => Date = () => new Date(),
  ) {}

  /**
   * Queues a run: its `sync_runs` row and the pg-boss job that carries it, in one transaction.
   * One active run per connection (the unique index `sync_runs_one_active`): when one is
   * already queued or running, nothing is queued — that run is the answer when it is the same
   * mode and dry-run flag, and a CONFLICT otherwise. A trigger never hands back another kind of
   * run: a dry run answered with a real one would write, a real one answered with a dry run
   * would silently do nothing.
   */
  async trigger(connectionId: string, mode: SyncMode, dryRun = false): Promise<TriggerOutcome> {
    await this.queue.ready();
    if (mode === 'BULK' && !dryRun) {
      const { window } = scheduleOf(await connectionSettings(this.db, connectionId));
      const now = this.now();
      if (window && !fullRunsAllowed(window, now)) return this.schedule(connectionId, mode, nextWindowOpening(window, now));
    }
    const repo = this.db.getRepository(SyncRunEntity);
    for (let attempt = 1; ; attempt++) {
      const runId = await this.insert(connectionId, mode, dryRun);
      if (runId) {
        this.queue.notifyQueued();
        const run = await repo.findOneByOrFail({ id: runId });
        this.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
        return { kind: 'QUEUED', run };
      }
      const active = await repo.findOne({ where: [{ connectionId, status: 'QUEUED' }, { connectionId, status: 'RUNNING' }] });
      if (active) return active.mode === mode && active.dryRun === dryRun ? { kind: 'ACTIVE', run: active } : { kind: 'CONFLICT', active };
      // The active run finished in between: queue again.
      if (attempt >= TRIGGER_ATTEMPTS) throw new Error(`could not queue a run for connection ${connectionId}: its active run kept changing`);
    }
  }

  /**
   * A change notification: a queued run (new or waiting) reads the change. A run already
   * RUNNING may have read past it, so it is marked, and an incremental run follows when it
   * ends (followUpNotified) — else the change would wait for the next scheduled tick.
   */
  async notified(connectionId: string): Promise<TriggerOutcome> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.trigger(connectionId, 'INCREMENTAL');
      const active = outcome.kind === 'CONFLICT' ? outcome.active : outcome.kind === 'ACTIVE' ? outcome.run : undefined;
      if (active?.status !== 'RUNNING' || (await markNotifiedWhileRunning(this.db, active.id))) return outcome;
      // It ended between the two steps: queue a run of our own.
      if (attempt >= TRIGGER_ATTEMPTS) return outcome;
    }
  }

  /** After a run ends: the incremental run a change notification that reached it while it ran asks for. */
  async followUpNotified(runId: string): Promise<TriggerOutcome | undefined> {
    const connectionId = await notifiedWhileRunning(this.db, runId);
    return connectionId ? this.trigger(connectionId, 'INCREMENTAL') : undefined;
  }

  /**
   * A full run outside its connection's sync window waits SCHEDULED for the window's opening,
   * holding no active slot: incremental runs and change notifications go on meanwhile. A full
   * run already waiting is the answer.
   */
  private async schedule(connectionId: string, mode: SyncMode, notBefore: Date): Promise<TriggerOutcome> {
    const repo = this.db.getRepository(SyncRunEntity);
    const id = await insertScheduledRun(this.db, { connectionId, mode, notBefore });
    const run = id ? await repo.findOneByOrFail({ id }) : await repo.findOneByOrFail({ connectionId, status: 'SCHEDULED' });
    if (id) this.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
    return id ? { kind: 'SCHEDULED', run } : { kind: 'ACTIVE', run };
  }

  /** Queues every scheduled full run whose window has opened and whose connection has no active run (the scheduler's tick); returns their ids. */
  async queueDueScheduled(): Promise<string[]> {
    await this.queue.ready();
    const queued: string[] = [];
    for (const due of await dueScheduledRuns(this.db, this.now())) {
      const ok = await this.db.transaction(async (m) => {
        const jobId = randomUUID();
        if (!(await queueScheduledRun(m, due.id, jobId))) return false;
        await this.queue.enqueue(m, { runId: due.id, connectionId: due.connectionId, jobId });
        return true;
      });
      if (ok) queued.push(due.id);
    }
    if (queued.length) {
      this.queue.notifyQueued();
      for (const id of queued) {
        const run = await this.get(id);
        if (run) this.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
      }
    }
    return queued;
  }

  /** The run's row and job, or undefined when the connection has an active run. */
  private insert(connectionId: string, mode: SyncMode, dryRun: boolean): Promise<string | undefined> {
    return this.db.transaction(async (manager) => {
      const jobId = randomUUID();
      const runId = await insertQueuedRun(manager, { connectionId, mode, dryRun, jobId });
      if (!runId) return undefined;
      await this.queue.enqueue(manager, { runId, connectionId, jobId });
      return runId;
    });
  }

  /**
   * An operator's cancel, on whichever instance executes the run (run-cancel.repository.ts):
   * a QUEUED run ends CANCELLED at once; a RUNNING one stops at its next page boundary, keeping
   * every page it committed, and is not resumed on its own — the next run goes on from the
   * committed checkpoints. Waits (briefly) for the run to stop.
   */
  async cancel(runId: string): Promise<CancelOutcome> {
    const asked = await requestCancel(this.db, runId);
    if (!asked) return { kind: 'NOT_FOUND' };
    let run = (await this.get(runId))!;
    if (!asked.active) return { kind: 'ENDED', run };
    if (run.status === 'CANCELLED') this.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
    for (const deadline = Date.now() + CANCEL_WAIT_MS; run.status === 'RUNNING' && Date.now() < deadline; run = (await this.get(runId))!)
      await new Promise((resolve) => setTimeout(resolve, 200));
    return { kind: 'CANCELLED', run };
  }

  get(id: string): Promise<SyncRunEntity | null> {
    return this.db.getRepository(SyncRunEntity).findOneBy({ id });
  }
}
