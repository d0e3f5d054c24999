/** Alert rules as data: read them, change a threshold, window, severity or channels, override one for a connection. */
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid } from '../../process';
import { AlertRuleInputError } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { AlertRule, AlertRuleInput, toAlertRule } from './alert-rule.type';

@Resolver(() => AlertRule)
export class AlertRulesResolver {
  @Authorized(CAN.read)
  @Query(() => [AlertRule], { description: 'The global rule of every kind, then the connections’ overrides (only this connection’s with connectionId).' })
  async alertRules(@Arg('connectionId', () => ID, { nullable: true }) connectionId: string | null | undefined, @Ctx() ctx: JunctionContext): Promise<AlertRule[]> {
    if (connectionId && !isUuid(connectionId)) throw new NotFoundError('Connection', connectionId);
    return (await ctx.services.monitoring.alerts.listRules(connectionId)).map(toAlertRule);
  }

  @Authorized(CAN.operate)
  @Mutation(() => AlertRule, { description: 'Changes an alert rule; it counts from the next evaluation. BAD_USER_INPUT names the field a value does not fit.' })
  async updateAlertRule(@Arg('id', () => ID) id: string, @Arg('input', () => AlertRuleInput) input: AlertRuleInput, @Ctx() ctx: JunctionContext): Promise<AlertRule> {
    if (!isUuid(id)) throw new NotFoundError('AlertRule', id);
    if (input.connectionId && (!isUuid(input.connectionId) || !(await ctx.loaders.connectionById.load(input.connectionId))))
      throw new BadUserInputError(`no connection ${input.connectionId}`, 'connectionId');
    try {
      const rule = await ctx.services.monitoring.alerts.updateRule(id, input, ctx.principal?.id ?? null);
      if (!rule) throw new NotFoundError('AlertRule', id);
      return toAlertRule(rule);
    } catch (err) {
      if (err instanceof AlertRuleInputError) throw new BadUserInputError(err.message, err.field);
      throw err;
    }
  }

  @Authorized(CAN.operate)
  @Mutation(() => Boolean, { description: 'Removes a connection’s override, so the global rule holds for it again. NOT_FOUND for a global rule or an unknown id.' })
  async removeAlertRuleOverride(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<boolean> {
    if (!isUuid(id) || !(await ctx.services.monitoring.alerts.removeOverride(id))) throw new NotFoundError('AlertRule override', id);
    return true;
  }

  @FieldResolver(() => Connection, { nullable: true, description: 'The connection this rule overrides the global one for; null for the global rule.' })
  async connection(@Root() rule: AlertRule, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    const view = rule.connectionId ? await ctx.loaders.connectionById.load(rule.connectionId) : null;
    return view ? toConnection(view) : null;
  }
}
