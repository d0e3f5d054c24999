/**
 * Runs queued sync runs and keeps continuous sync going: a scheduler queues an INCREMENTAL
 * run per connection every interval (at most one active per connection, by a unique index),
 * and the worker claims queued runs with SKIP LOCKED so any number of instances share the
 * work. Runs whose worker stopped heartbeating are marked INTERRUPTED.
 */
import type { DataSource } from 'typeorm';
import type { SyncEngine } from './sync-engine';
import type { SyncRunService } from './sync-run.service';

export interface SyncWorkerOptions {
  workerId: string;
  intervalMs: number;
  /** Heartbeats older than this mark a RUNNING run as INTERRUPTED (the engine beats every 5 s). @default 20000 */
  staleAfterMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
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

  /** Queues an incremental run for every enabled connection that is not paused or running. */
  async scheduleAll(): Promise<void> {
    await this.reapStale();
    const rows = (await this.db.query(`SELECT id FROM connections WHERE enabled AND status <> 'PAUSED' ORDER BY created_at`)) as Array<{ id: string }>;
    for (const { id } of rows) await this.runs.trigger(id, 'INCREMENTAL');
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
           WHERE id = (SELECT id FROM sync_runs WHERE status = 'QUEUED' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
           RETURNING id`,
          [this.options.workerId],
        )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
        const id = firstId(claimed);
        if (!id) break;
        this.current = this.engine.execute(id);
        await this.current.catch((err: unknown) => this.options.log?.('error', 'sync run crashed', { runId: id, error: String(err) }));
        this.current = undefined;
        executed++;
      }
    } catch (err) {
      this.options.log?.('warn', 'worker could not claim runs', { error: String(err) });
    } finally {
      this.draining = false;
    }
    return executed;
  }

  async reapStale(): Promise<void> {
    await this.db.query(
      `UPDATE sync_runs SET status = 'INTERRUPTED', finished_at = now(), error = 'the worker running it stopped (no heartbeat)'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [(this.options.staleAfterMs ?? 20_000) / 1000],
    );
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
