/** The quarterly audit: every section gathered at one `now`, plus the plan derived from them. */
import type { DataSource } from 'typeorm';
import type { ConnectionService } from '../connections/connection.service';
import { countActiveAlerts } from '../store/ops/alert.repository';
import { compareAudits, type AuditComparison } from './audit-comparison';
import { reviewAccess, tokensByExpiry, type AccessReview, type TokenExpiry } from './access-review';
import { auditPlan, type PlanItem } from './audit-plan';
import { measureDataQuality, type DataQuality } from './data-quality';
import { reconcileAll, type ConnectionDiscrepancies } from './reconciliation';

export interface AuditReport {
  generatedAt: Date;
  dataQuality: DataQuality;
  discrepancies: ConnectionDiscrepancies[];
  access: AccessReview;
  tokens: TokenExpiry[];
  activeAlerts: number;
  plan: PlanItem[];
  /** Set beside the previous successful report, when there is one. */
  comparison: AuditComparison | null;
}

export interface AuditOptions {
  /** The report this one is compared with; the plan follows up on what did not improve. */
  previous?: { id: string; report: AuditReport } | null;
  /** Aborted: the CRM exports stop at their next page and the report fails. */
  signal?: AbortSignal;
}

export class AuditService {
  constructor(
    private db: DataSource,
    private connections: Pick<ConnectionService, 'list' | 'adapterFor'>,
    private clock: () => Date = () => new Date(),
  ) {}

  async report(options: AuditOptions = {}): Promise<AuditReport> {
    const now = this.clock();
    const dataQuality = await measureDataQuality(this.db, now);
    const discrepancies = await reconcileAll(this.db, this.connections, options.signal);
    options.signal?.throwIfAborted();
    const access = await reviewAccess(this.db, now);
    const tokens = await tokensByExpiry(this.db);
    const activeAlerts = await countActiveAlerts(this.db);
    const comparison = options.previous ? compareAudits(options.previous, { dataQuality, discrepancies, access, activeAlerts }) : null;
    const plan = auditPlan({ now, dataQuality, discrepancies, access, tokens, activeAlerts, comparison });
    return { generatedAt: now, dataQuality, discrepancies, access, tokens, activeAlerts, plan, comparison };
  }
}
