import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ALERT_CHANNELS, type AlertChannel, type AlertKind, type AlertRuleView, type AlertSeverity, THRESHOLD_UNIT } from '../../process';
import { DateTimeScalar } from '../common/scalars';
import { AlertKindEnum, AlertSeverityEnum } from './alert.type';

export const AlertChannelEnum = Object.fromEntries(ALERT_CHANNELS.map((k) => [k, k])) as { [K in AlertChannel]: K };
registerEnumType(AlertChannelEnum, {
  name: 'AlertChannel',
  valuesConfig: {
    WEBHOOK: { description: 'The signed JSON webhook (JUNCTION_ALERT_WEBHOOK_URL).' },
    SLACK: { description: 'A Slack-compatible incoming webhook (JUNCTION_ALERT_SLACK_URL), one line of text.' },
  },
});

@ObjectType({ description: 'An alert rule: the global one for its kind, or one connection’s override of it.' })
export class AlertRule {
  @Field(() => ID) id!: string;
  @Field(() => AlertKindEnum) kind!: AlertKind;
  @Field() enabled!: boolean;
  @Field(() => Float, { description: 'In thresholdUnit.' }) threshold!: number;
  @Field({ description: 'What the threshold counts: ratio (0–1), minutes, hours, days, or none (the kind fires on a state).' }) thresholdUnit!: string;
  @Field(() => Int, { nullable: true, description: 'Minutes of runs or deliveries a rate or latency is measured over; null for kinds that look at a state.' })
  windowMinutes!: number | null;
  @Field(() => AlertSeverityEnum) severity!: AlertSeverity;
  @Field(() => [AlertChannelEnum], { description: 'Where its alerts are delivered besides the API and subscriptions.' }) channels!: AlertChannel[];
  @Field(() => DateTimeScalar) updatedAt!: Date;
  /** Resolved through the connection loader: null for the global rule. */
  connectionId!: string | null;
}

export const toAlertRule = (r: AlertRuleView): AlertRule => ({ ...r, thresholdUnit: THRESHOLD_UNIT[r.kind].toLowerCase() });

@InputType({ description: 'What to change on an alert rule; omitted fields keep their value. With connectionId on a global rule, the change makes (or changes) that connection’s override instead.' })
export class AlertRuleInput {
  @Field(() => Float, { nullable: true }) threshold?: number | null;
  @Field(() => Int, { nullable: true }) windowMinutes?: number | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => AlertSeverityEnum, { nullable: true }) severity?: AlertSeverity | null;
  @Field(() => [AlertChannelEnum], { nullable: true }) channels?: AlertChannel[] | null;
  @Field(() => ID, { nullable: true }) connectionId?: string | null;
}
