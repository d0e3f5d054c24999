import { Arg, Authorized, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { DEFAULT_WINDOW, type EventPayloads, parseWindow, TOPICS } from '../../process';
import { CAN } from '../auth/roles';
import { NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';
import { Alert, toAlert } from './alert.type';
import { toConnection } from '../connections/connection.type';
import { Health, toHealth } from './health.type';

/**
 * One reading per event, shared by every subscriber: the health report, the connections it
 * names (one statement, not one per subscriber) and the Health object for each distinct
 * `connectionId` argument. With 1,000 subscribers, computing these per subscriber cost 1,000
 * reports per event (see BENCHMARKS.md, fan-out).
 */
interface EventReading {
  health: (connectionId: string | null | undefined) => Health;
}

const readingsByEvent = new WeakMap<object, Map<string, Promise<EventReading>>>();

async function read(ctx: JunctionContext): Promise<EventReading> {
  // The report covers every connection, so all of them are read alongside it rather than after it.
  const [report, views] = await Promise.all([ctx.services.monitoring.health.report(parseWindow(DEFAULT_WINDOW)!), ctx.services.queries.connections.list()]);
  const connections = new Map(views.map((v) => [v.id, toConnection(v)]));
  const byFilter = new Map<string, Health>();
  return {
    health(connectionId) {
      const key = connectionId ?? '';
      let health = byFilter.get(key);
      if (!health) {
        health = toHealth(report, DEFAULT_WINDOW, connectionId);
        for (const row of health.connections) row.preloadedConnection = connections.get(row.connectionId);
        byFilter.set(key, health);
      }
      return health;
    },
  };
}

function sharedReading(ctx: JunctionContext, eventAt: string): Promise<EventReading> {
  const health = ctx.services.monitoring.health;
  let byEvent = readingsByEvent.get(health);
  if (!byEvent) readingsByEvent.set(health, (byEvent = new Map()));
  let reading = byEvent.get(eventAt);
  if (!reading) {
    reading = read(ctx);
    byEvent.set(eventAt, reading);
    // Kept just long enough for every subscriber of this event; a later event reads afresh.
    setTimeout(() => byEvent!.delete(eventAt), 5_000).unref();
    reading.catch(() => byEvent!.delete(eventAt));
  }
  return reading;
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
    return (await sharedReading(ctx, String(payload.at))).health(connectionId);
  }

  @Authorized(CAN.read)
  @Subscription(() => Alert, { topics: TOPICS.ALERT_RAISED, description: 'Every alert as it is raised.' })
  async alertRaised(@Root() payload: EventPayloads['ALERT_RAISED'], @Ctx() ctx: JunctionContext): Promise<Alert> {
    const alert = await ctx.services.monitoring.alerts.byId(payload.id);
    if (!alert) throw new NotFoundError('alert', payload.id);
    return toAlert(alert);
  }
}
