import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { type AlertKind, DEFAULT_WINDOW, parseWindow } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError } from '../common/errors';
import type { JunctionContext } from '../context';
import { Alert, AlertKindEnum, toAlert } from './alert.type';
import { Health, HealthPoint, toHealth, toHealthPoint } from './health.type';

export function windowMs(window: string | null | undefined): number {
  const ms = parseWindow(window);
  if (ms === undefined) throw new BadUserInputError('window must look like 30m, 1h, 24h or 7d (at most 90d)', 'window');
  return ms;
}

@Resolver()
export class MonitoringResolver {
  @Authorized(CAN.read)
  @Query(() => Health, { description: 'Sync health overall and per connection over a window (default 24h).' })
  async health(@Arg('window', () => String, { nullable: true }) window: string | null | undefined, @Ctx() ctx: JunctionContext): Promise<Health> {
    const ms = windowMs(window);
    return toHealth(await ctx.services.monitoring.health.report(ms), window ?? DEFAULT_WINDOW);
  }

  @Authorized(CAN.read)
  @Query(() => [HealthPoint], { description: 'Success rate and latency per bucket over a window, oldest first (the dashboard charts).' })
  async healthSeries(
    @Arg('window', () => String, { nullable: true }) window: string | null | undefined,
    @Arg('buckets', () => Int, { nullable: true, defaultValue: 24 }) buckets: number,
    @Ctx() ctx: JunctionContext,
  ): Promise<HealthPoint[]> {
    if (buckets < 1 || buckets > 200) throw new BadUserInputError('buckets must be between 1 and 200', 'buckets');
    return (await ctx.services.monitoring.health.series(windowMs(window), buckets)).map(toHealthPoint);
  }

  @Authorized(CAN.read)
  @Query(() => [Alert], { description: 'Alerts, newest first: active only when `active` is true, resolved only when false; of the given kinds only when `kinds` names any.' })
  async alerts(
    @Arg('active', () => Boolean, { nullable: true }) active: boolean | null | undefined,
    @Arg('kinds', () => [AlertKindEnum], { nullable: true, description: 'Only these kinds (every kind when null or empty).' }) kinds: AlertKind[] | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<Alert[]> {
    return (await ctx.services.monitoring.alerts.list(active, kinds)).map(toAlert);
  }
}
