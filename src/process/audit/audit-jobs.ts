/**
 * Audits as jobs: `request` queues one (or answers the one already queued or running: one
 * audit at a time), the history lists them with their reports. Whichever instance's
 * AuditWorker takes the job runs it; the report is kept as JSON and read back here.
 */
import type { DataSource } from 'typeorm';
import type { AuditQueue } from '../jobs/audit-queue';
import { failStaleAudits, liveAudit, queueAudit } from '../store/audit/audit-report.repository';
import { auditById, auditPage, countAudits, type AuditWithReport } from '../store/audit/audit-report.read-model';
import type { Page, PageArgs } from '../store/read-models/pagination';
import type { AuditTrigger, StoredAuditRun } from '../stored';
import type { AuditReport } from './audit.service';

/** An audit of the history with its report (null until it succeeded). */
export interface AuditRecord {
  audit: StoredAuditRun;
  report: AuditReport | null;
}

/** A RUNNING audit whose worker has not beaten for this long is failed as interrupted. */
export const AUDIT_STALE_SECONDS = 60;

export class AuditJobs {
  constructor(
    private db: DataSource,
    readonly queue: AuditQueue,
  ) {}

  /** Queues an audit; `queued: false` when one was queued or running already (that one is answered). */
  async request(trigger: AuditTrigger, requestedBy: string | null = null, scheduledFor: Date | null = null): Promise<{ audit: StoredAuditRun; queued: boolean } | null> {
    await this.reapStale();
    // pg-boss started outside the transaction: the embedded store has one session.
    await this.queue.ready();
    for (let attempt = 0; attempt < 3; attempt++) {
      const queued = await this.db.transaction(async (tx) => {
        const audit = await queueAudit(tx, { trigger, requestedBy, scheduledFor });
        if (audit) await this.queue.enqueue(tx, audit.id);
        return audit;
      });
      if (queued) {
        this.queue.notifyQueued();
        return { audit: queued, queued: true };
      }
      // A scheduled slot that was queued already is simply done.
      if (scheduledFor) return null;
      const live = await liveAudit(this.db);
      if (live) return { audit: live, queued: false };
      // The live one finished between the two statements: try again.
    }
    throw new Error('could not queue an audit: another kept starting and finishing');
  }

  /** Fails audits whose worker stopped beating and settles their jobs, so they no longer block new ones. */
  async reapStale(): Promise<string[]> {
    const ids = await failStaleAudits(this.db, AUDIT_STALE_SECONDS);
    await this.queue.fail(ids, 'interrupted');
    return ids;
  }

  async page(args: PageArgs): Promise<Page<AuditRecord>> {
    const page = await auditPage(this.db, args);
    return { ...page, nodes: page.nodes.map(toRecord) };
  }

  count(): Promise<number> {
    return countAudits(this.db);
  }

  async byId(id: string): Promise<AuditRecord | null> {
    const found = await auditById(this.db, id);
    return found ? toRecord(found) : null;
  }
}

export function toRecord(r: AuditWithReport): AuditRecord {
  return { audit: r.audit, report: r.report ? reviveReport(r.report) : null };
}

/** A report read back from JSON: its timestamps (every `…At` key) are Dates again. */
export function reviveReport(json: unknown): AuditReport {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string' && /At$/.test(key) && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, ''));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  const report = walk(json, '') as AuditReport;
  report.comparison ??= null;
  return report;
}
