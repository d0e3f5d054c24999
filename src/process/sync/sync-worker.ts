/**
 * Runs queued sync runs and keeps continuous sync going: a scheduler queues an INCREMENTAL
 * run per connection every interval (at most one active per connection, by a unique index),
 * and the worker claims queued runs with SKIP LOCKED so any number of instances share the
 * work. Runs whose worker stopped heartbeating are marked INTERRUPTED.
 */
import type { DataSource } from 'typeorm';
import { resumeDueConnections } from '../connections/connection-pause';
import { logError } from '../health/error-log';
import { DEFAULT_RUN_RETRY, runFate, type RunRetrySettings } from '../jobs/run-retry';
import type { SyncEngine } from './sync-engine';
import type { SyncRunService } from './sync-run.service';

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
  private stopped = false;
  private draining = false;

  constructor(
    private db: DataSource,
    private engine: SyncEngine,
    private runs: SyncRunService,
    private options: SyncWorkerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const tickSchedule = () => void this.scheduleAll().catch((err: unknown) => this.options.log?.('warn', 'scheduling failed', { error: String(err) }));
    tickSchedule();
    this.timers.push(setInterval(tickSchedule, this.options.intervalMs));
    this.timers.push(setInterval(() => void this.drain(), 250));
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
    for (const id of await this.schedulable(now)) await this.runs.trigger(id, 'INCREMENTAL');
  }

  /** Enabled connections that are not paused and whose circuit lets a run through. */
  private async schedulable(now: Date, withChangesQueuedSince?: Date): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT c.id FROM connections c
       WHERE c.enabled AND c.status <> 'PAUSED' AND (c.circuit <> 'OPEN' OR c.circuit_retry_at IS NULL OR c.circuit_retry_at <= $1)
         AND ($2::timestamptz IS NULL OR EXISTS (SELECT 1 FROM outbox o WHERE o.connection_id = c.id AND o.delivered_at IS NULL AND o.created_at >= $2))
       ORDER BY c.created_at`,
      [now, withChangesQueuedSince ?? null],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /**
   * A run that pulled changes queued them for the other CRMs: run those now instead of at
   * their next interval, so a change (say, from a webhook) reaches every CRM in seconds.
   * Only changes queued by this run count, so a CRM that keeps failing is not re-run in a loop.
   */
  private async deliverChangesOf(runId: string): Promise<void> {
    const rows = (await this.db.query(`SELECT started_at FROM sync_runs WHERE id = $1`, [runId])) as Array<{ started_at: Date | null }>;
    const since = rows[0]?.started_at;
    if (!since) return;
    for (const id of await this.schedulable(this.options.now?.() ?? new Date(), new Date(since))) await this.runs.trigger(id, 'INCREMENTAL');
  }

  /** Claims and executes queued runs until none is left. */
  async drain(): Promise<number> {
    if (this.draining || this.stopped) return 0;
    this.draining = true;
    let executed = 0;
    try {
      for (;;) {
        if (this.stopped) break;
        const claimed = (await this.db.query(
          `UPDATE sync_runs SET status = 'RUNNING', started_at = now(), heartbeat_at = now(), worker_id = $1
           WHERE id = (SELECT id FROM sync_runs WHERE status = 'QUEUED' AND (not_before IS NULL OR not_before <= now())
                       ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
           RETURNING id`,
          [this.options.workerId],
        )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
        const id = firstId(claimed);
        if (!id) break;
        this.current = this.engine.execute(id);
        await this.current.catch((err: unknown) => this.options.log?.('error', 'sync run crashed', { runId: id, error: String(err) }));
        this.current = undefined;
        await this.afterRun(id);
        await this.deliverChangesOf(id);
        executed++;
      }
    } catch (err) {
      this.options.log?.('warn', 'worker could not claim runs', { error: String(err) });
    } finally {
      this.draining = false;
    }
    return executed;
  }

  /** Marks runs whose worker stopped heartbeating INTERRUPTED (never SUCCEEDED) and queues their next attempt. */
  async reapStale(): Promise<void> {
    const result = (await this.db.query(
      `UPDATE sync_runs SET status = 'INTERRUPTED', finished_at = now(), error = 'the worker running it stopped (no heartbeat)'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1) RETURNING id`,
      [(this.options.staleAfterMs ?? 20_000) / 1000],
    )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
    const rows = Array.isArray(result[0]) ? (result[0] as Array<{ id: string }>) : (result as Array<{ id: string }>);
    for (const { id } of rows) await this.afterRun(id);
  }

  /** Queues the next attempt of a run stopped by a transient failure, or records it as a dead letter. */
  private async afterRun(runId: string): Promise<void> {
    try {
      const rows = (await this.db.query(`SELECT connection_id, mode, status, error, attempt, dry_run FROM sync_runs WHERE id = $1`, [runId])) as Array<{
        connection_id: string;
        mode: string;
        status: string;
        error: string | null;
        attempt: number;
        dry_run: boolean;
      }>;
      const run = rows[0];
      if (!run) return;
      const settings = { ...DEFAULT_RUN_RETRY, ...this.options.runRetry };
      const fate = runFate({ status: run.status, error: run.error, attempt: run.attempt, dryRun: run.dry_run }, settings);
      if (fate.kind === 'RETRY') {
        // The unique index keeps it to one active run per connection: a run queued meanwhile wins.
        await this.db.query(
          `INSERT INTO sync_runs (connection_id, mode, status, dry_run, attempt, not_before)
           VALUES ($1, $2, 'QUEUED', false, $3, now() + make_interval(secs => $4))
           ON CONFLICT (connection_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING`,
          [run.connection_id, run.mode, run.attempt + 1, fate.delayMs / 1000],
        );
      } else if (fate.kind === 'DEAD_LETTER') {
        await logError(this.db.manager, {
          connectionId: run.connection_id,
          runId,
          errorClass: fate.errorClass,
          code: 'DEAD_LETTER',
          message: fate.reason,
          endpoint: `sync run ${run.mode}`,
          attempts: run.attempt,
        });
      }
    } catch (err) {
      this.options.log?.('warn', 'could not queue the next attempt of a run', { runId, error: String(err) });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.current?.catch(() => undefined);
  }
}

/** TypeORM returns UPDATE … RETURNING as [rows, count] on postgres. */
function firstId(result: [Array<{ id: string }>, number] | Array<{ id: string }>): string | undefined {
  const rows = Array.isArray(result[0]) ? (result[0] as Array<{ id: string }>) : (result as Array<{ id: string }>);
  return rows[0]?.id;
}
