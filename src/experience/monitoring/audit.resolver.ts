import { Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AuditJobs } from '../../process';
import { CAN } from '../auth/roles';
import { UnavailableError } from '../common/errors';
import { PageArgs } from '../common/page.args';
import { toRelayConnection, type RelayConnection } from '../common/relay';
import type { JunctionContext } from '../context';
import { Audit, AuditConnection, AuditReport, toAudit, toAuditReport } from './audit.type';

// ADMIN throughout: a report lists key holders, and an audit reads every CRM in full (API calls against the limits).
@Resolver()
export class AuditResolver {
  @Authorized(CAN.administer)
  @Query(() => AuditReport, { description: 'Runs the audit now, inside this request: data quality, record-by-record reconciliation with every CRM, access, credentials, and a 30/60/90-day plan. For a large store use runAudit.' })
  async auditReport(@Ctx() ctx: JunctionContext): Promise<AuditReport> {
    const audit = ctx.services.monitoring.audit;
    if (!audit) throw new UnavailableError('the audit needs the connection service; this server was started without it');
    return toAuditReport(await audit.report());
  }

  @Authorized(CAN.administer)
  @Mutation(() => Audit, { description: 'Starts an audit as a background job (any instance with a worker runs it); one at a time, so while one is queued or running that one is answered. Follow it with auditReports.' })
  async runAudit(@Ctx() ctx: JunctionContext): Promise<Audit> {
    const requested = await auditJobs(ctx).request('API', ctx.principal?.id ?? null);
    if (!requested) throw new Error('the audit could not be queued');
    return toAudit({ audit: requested.audit, report: null });
  }

  @Authorized(CAN.administer)
  @Query(() => AuditConnection, { description: 'Past and running audits, newest first, each with its figures, its comparison with the previous report and its plan.' })
  async auditReports(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: JunctionContext): Promise<RelayConnection<Audit>> {
    const jobs = auditJobs(ctx);
    return toRelayConnection(await jobs.page(args), toAudit, () => jobs.count());
  }
}

function auditJobs(ctx: JunctionContext): Pick<AuditJobs, 'request' | 'page' | 'count' | 'byId'> {
  const jobs = ctx.services.monitoring.audits;
  if (!jobs) throw new UnavailableError('audits as jobs need the job queue; this server was started without it');
  return jobs;
}
