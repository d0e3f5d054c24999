/**
 * Runs queued audits, one at a time, wherever a worker runs: takes the next audit job, marks
 * its row RUNNING, beats while the CRMs are exported, compares the report with the previous
 * successful one (the plan follows up on what did not improve) and stores it. Also queues the
 * scheduled audit when its slot comes (audit-schedule.ts) and fails audits whose instance
 * stopped beating. stop() ends a running audit at its next page, FAILED as interrupted.
 */
import type { DataSource } from 'typeorm';
import { beatAudit, failAudit, finishAudit, startAudit } from '../store/audit/audit-report.repository';
import { connectionBefore, previousReport } from '../store/audit/audit-report.read-model';
import { dueSlot } from './audit-schedule';
import { reviveReport, type AuditJobs } from './audit-jobs';
import type { AuditReport, AuditService } from './audit.service';

export interface AuditWorkerOptions {
  /** A cron expression (UTC), or null for no scheduled audits. */
  schedule: string | null;
  /** How often the queue is polled for audits other instances queued. @default 5000 */
  pollMs?: number;
  /** How often a running audit beats, and the schedule is looked at. @default 10000 */
  beatMs?: number;
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

export class AuditWorker {
  private timers: NodeJS.Timeout[] = [];
  private draining: Promise<void> | undefined;
  private stopping = new AbortController();
  private stopListening: (() => void) | undefined;

  constructor(
    private db: DataSource,
    private audit: Pick<AuditService, 'report'>,
    private jobs: AuditJobs,
    private options: AuditWorkerOptions,
  ) {}

  start(): void {
    const poll = () => void this.drain();
    const tend = () => void this.tend().catch((err: unknown) => this.options.log?.('warn', 'audit schedule check failed', { error: String(err) }));
    this.timers.push(setInterval(poll, this.options.pollMs ?? 5000), setInterval(tend, this.options.beatMs ?? 10_000));
    for (const t of this.timers) t.unref();
    this.stopListening = this.jobs.queue.onQueued(poll);
    tend();
    poll();
  }

  /** Runs every due audit job, one at a time; resolves when none is left. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (!this.stopping.signal.aborted) {
          const id = await this.jobs.queue.fetch();
          if (!id) break;
          await this.run(id);
        }
      } catch (err) {
        this.options.log?.('warn', 'audit queue failed', { error: String(err) });
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Failed audits of stopped instances, and the scheduled audit when its slot has come. */
  private async tend(): Promise<void> {
    await this.jobs.reapStale();
    if (!this.options.schedule) return;
    const slot = dueSlot(this.options.schedule, this.options.now?.() ?? new Date());
    // Connections set up after the slot (a new installation, a test's fresh store) had no period to audit.
    if (!slot || !(await connectionBefore(this.db, slot))) return;
    const queued = await this.jobs.request('SCHEDULE', null, slot);
    if (queued?.queued) this.options.log?.('info', 'scheduled audit queued', { auditId: queued.audit.id, slot: slot.toISOString() });
  }

  private async run(id: string): Promise<void> {
    try {
      const report = await executeAudit(this.db, this.audit, id, { signal: this.stopping.signal, beatMs: this.options.beatMs });
      await this.jobs.queue.complete(id);
      if (report) this.options.log?.('info', 'audit finished', { auditId: id, contacts: report.dataQuality.totalContacts });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await this.jobs.queue.fail([id], reason);
      this.options.log?.('warn', 'audit failed', { auditId: id, error: reason });
    }
  }

  /** Ends a running audit at its next page (FAILED, interrupted) and stops taking jobs. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.stopListening?.();
    this.stopping.abort();
    await this.draining;
  }
}

/**
 * Runs one queued audit row: RUNNING, beating, compared with the previous successful report,
 * SUCCEEDED with its report — or FAILED with the reason, which it then throws. Null when the
 * row was no longer queued (nothing was run).
 */
export async function executeAudit(db: DataSource, audit: Pick<AuditService, 'report'>, id: string, options: { signal?: AbortSignal; beatMs?: number } = {}): Promise<AuditReport | null> {
  const run = await startAudit(db, id);
  if (!run) return null;
  const beat = setInterval(() => void beatAudit(db, id).catch(() => undefined), options.beatMs ?? 10_000);
  try {
    const previous = await previousReport(db, run.createdAt);
    const report = await audit.report({ previous: previous && { id: previous.id, report: reviveReport(previous.report) }, signal: options.signal });
    clearInterval(beat);
    if (!(await finishAudit(db, id, report, previous?.id ?? null))) throw new Error('INTERRUPTED: the audit was failed meanwhile (its beat was judged stopped)');
    return report;
  } catch (err) {
    clearInterval(beat);
    const reason = options.signal?.aborted ? 'INTERRUPTED: the instance running it stopped' : err instanceof Error ? err.message : String(err);
    await failAudit(db, id, reason);
    throw new Error(reason);
  }
}
