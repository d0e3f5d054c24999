import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { CAN } from '../auth/roles';
import type { JunctionContext } from '../context';
import { AuditReport, toAuditReport } from './audit.type';

@Resolver()
export class AuditResolver {
  // ADMIN: it lists key holders and reads every CRM in full (API calls against the limits).
  @Authorized(CAN.administer)
  @Query(() => AuditReport, { description: 'Runs the audit now: data quality, record-by-record reconciliation with every CRM, access, credentials, and a 30/60/90-day plan.' })
  async auditReport(@Ctx() ctx: JunctionContext): Promise<AuditReport> {
    const audit = ctx.services.monitoring.audit;
    if (!audit) throw new Error('the audit needs the connection service; this server was started without it');
    return toAuditReport(await audit.report());
  }
}
