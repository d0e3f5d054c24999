import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { TOPICS, type EventPayloads } from '../../process/events';
import { DEFAULT_WINDOW, parseWindow } from '../../process/health/window';
import { CAN } from '../auth/roles';
import { NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';
import { Alert, toAlert } from './alert.type';
import { Health, toHealth } from './health.type';

type HealthReport = Awaited<ReturnType<JunctionContext['services']['monitoring']['health']['report']>>;

/**
 * One report per event, shared by every subscriber: with 1,000 subscribers, computing it
 * per subscriber cost 1,000 reports for one event (see BENCHMARKS.md, fan-out).
 */
const reportsByEvent = new WeakMap<object, Map<string, Promise<HealthReport>>>();

function sharedReport(ctx: JunctionContext, eventAt: string): Promise<HealthReport> {
  const health = ctx.services.monitoring.health;
  let byEvent = reportsByEvent.get(health);
  if (!byEvent) reportsByEvent.set(health, (byEvent = new Map()));
  let report = byEvent.get(eventAt);
  if (!report) {
    report = health.report(parseWindow(DEFAULT_WINDOW)!);
    byEvent.set(eventAt, report);
    // Kept just long enough for every subscriber of this event; a later event reads afresh.
    setTimeout(() => byEvent!.delete(eventAt), 5_000).unref();
    report.catch(() => byEvent!.delete(eventAt));
  }
  return report;
}

@Resolver()
export class MonitoringSubscriptionResolver {
  @Authorized(CAN.read)
  @Subscription(() => Health, {
    topics: TOPICS.HEALTH_CHANGED,
    description: 'Health (over 24h) each time a run finishes or health changes; only the given connection in `connections` when one is named.',
  })
  async healthChanged(
    @Root() payload: EventPayloads['HEALTH_CHANGED'],
    @Arg('connectionId', () => ID, { nullable: true }) connectionId: string | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<Health> {
    // The event says only "look again"; the subscribers of one event share one reading.
    return toHealth(await sharedReport(ctx, String(payload.at)), DEFAULT_WINDOW, connectionId);
  }

  @Authorized(CAN.read)
  @Subscription(() => Alert, { topics: TOPICS.ALERT_RAISED, description: 'Every alert as it is raised.' })
  async alertRaised(@Root() payload: EventPayloads['ALERT_RAISED'], @Ctx() ctx: JunctionContext): Promise<Alert> {
    const alert = await ctx.services.monitoring.alerts.byId(payload.id);
    if (!alert) throw new NotFoundError('alert', payload.id);
    return toAlert(alert);
  }
}
