/** The quarterly audit: every section gathered at one `now`, plus the plan derived from them. */
import type { DataSource } from 'typeorm';
import type { ConnectionService } from '../connections/connection.service';
import { countActiveAlerts } from '../store/ops/alert.repository';
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
}

export class AuditService {
  constructor(
    private db: DataSource,
    private connections: Pick<ConnectionService, 'list' | 'adapterFor'>,
    private clock: () => Date = () => new Date(),
  ) {}

  async report(): Promise<AuditReport> {
    const now = this.clock();
    const dataQuality = await measureDataQuality(this.db, now);
    const discrepancies = await reconcileAll(this.db, this.connections);
    const access = await reviewAccess(this.db, now);
    const tokens = await tokensByExpiry(this.db);
    const activeAlerts = await countActiveAlerts(this.db);
    return { generatedAt: now, dataQuality, discrepancies, access, tokens, activeAlerts, plan: auditPlan({ now, dataQuality, discrepancies, access, tokens, activeAlerts }) };
  }
}
