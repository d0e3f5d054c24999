import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { type CallFailureCount, type CircuitState, type ConnectionHealth as ConnectionHealthReport, type ConnectionStatus, ERROR_CLASSES, type ErrorClass, type HealthPoint as HealthPointReport, type HealthReport } from '../../process';
import { CircuitStateEnum, ConnectionStatusEnum, ErrorClassEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import type { Connection } from '../connections/connection.type';

@ObjectType({
  description:
    "Errors of one class seen in the window: the error log's occurrences (what failed for good, grouped by cause), and failed CRM calls, those a retry absorbed and those that failed for good.",
  simpleResolvers: true,
})
export class ErrorClassCount {
  @Field(() => ErrorClassEnum) errorClass!: ErrorClass;
  @Field(() => Int, { description: 'Occurrences in the error log (syncErrors), not distinct causes.' }) count!: number;
  @Field(() => Int, { description: 'Failed attempts of CRM calls that then got their answer on a retry (or a replay with a fresh token): each 429 or 5xx a retry absorbed counts once.' }) recovered!: number;
  @Field(() => Int, { description: 'Failed attempts of CRM calls that failed for good: every attempt of a call that gave up counts once.' }) final!: number;
}

@ObjectType({ description: "One connection's health over the window.", simpleResolvers: true })
export class ConnectionHealth {
  /** Resolved through the connection loader (ConnectionHealthResolver). */
  connectionId!: string;
  /** Read once per event for every subscriber (monitoring-subscriptions.resolver.ts); the resolver answers from it. */
  preloadedConnection?: Connection;
  @Field(() => ConnectionStatusEnum, { description: 'FAILING when the last run failed or the circuit is open; DEGRADED when a run was partial or runs fail.' })
  status!: ConnectionStatus;
  @Field(() => Float, { nullable: true, description: 'Share of finished runs that succeeded; null with no finished run.' }) successRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of records read or written that neither failed nor went to quarantine.' }) recordSuccessRate!: number | null;
  @Field(() => Int) runsFinished!: number;
  @Field(() => Int) runsFailed!: number;
  @Field(() => Float, { nullable: true }) syncLatencyP50Ms!: number | null;
  @Field(() => Float, { nullable: true }) syncLatencyP95Ms!: number | null;
  @Field(() => [ErrorClassCount]) errorsByClass!: ErrorClassCount[];
  @Field(() => Int, { nullable: true }) apiUsed!: number | null;
  @Field(() => Int, { nullable: true }) apiLimit!: number | null;
  @Field(() => Float, { nullable: true, description: 'API calls used / daily limit, as the CRM last reported.' }) apiUsageRatio!: number | null;
  @Field(() => Int) quarantineSize!: number;
  @Field(() => CircuitStateEnum) circuit!: CircuitState;
  @Field(() => DateTimeScalar, { nullable: true }) lastSuccessfulSyncAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) tokenExpiresAt!: Date | null;
}

@ObjectType({ description: 'Sync health overall and per connection over a window.', simpleResolvers: true })
export class Health {
  @Field() window!: string;
  @Field(() => DateTimeScalar) generatedAt!: Date;
  @Field(() => ConnectionStatusEnum, { description: 'The worst status among connections that are not paused.' }) status!: ConnectionStatus;
  @Field(() => Float, { nullable: true, description: 'Share of finished runs that succeeded.' }) successRate!: number | null;
  @Field(() => Float, { nullable: true }) recordSuccessRate!: number | null;
  @Field(() => Float, { nullable: true, description: 'Median ms from a change in its source CRM to its delivery to a target.' }) syncLatencyP50Ms!: number | null;
  @Field(() => Float, { nullable: true }) syncLatencyP95Ms!: number | null;
  @Field(() => Int, { description: 'Records waiting in quarantine.' }) quarantineSize!: number;
  @Field(() => [ErrorClassCount]) errorsByClass!: ErrorClassCount[];
  @Field(() => [ConnectionHealth]) connections!: ConnectionHealth[];
}

@ObjectType({ description: 'One bucket of the health time series.' })
export class HealthPoint {
  @Field(() => DateTimeScalar, { description: 'End of the bucket.' }) at!: Date;
  @Field(() => Int) runs!: number;
  @Field(() => Float, { nullable: true }) successRate!: number | null;
  @Field(() => Float, { nullable: true }) syncLatencyP50Ms!: number | null;
  @Field(() => Float, { nullable: true }) syncLatencyP95Ms!: number | null;
}

@ObjectType()
export class HealthChangedConnection {
  @Field(() => ID) id!: string;
}

const asErrorClass = (c: string): ErrorClass => ((ERROR_CLASSES as readonly string[]).includes(c) ? (c as ErrorClass) : 'UNKNOWN');
/** The error log's classes first (its order), then classes only failed calls had. */
const errorCounts = (logged: ReadonlyArray<{ errorClass: string; count: number }>, calls: readonly CallFailureCount[]): ErrorClassCount[] => {
  const merged = new Map<ErrorClass, ErrorClassCount>();
  const entry = (c: string): ErrorClassCount => {
    const errorClass = asErrorClass(c);
    const found = merged.get(errorClass) ?? { errorClass, count: 0, recovered: 0, final: 0 };
    merged.set(errorClass, found);
    return found;
  };
  for (const e of logged) entry(e.errorClass).count += e.count;
  for (const f of calls) {
    const e = entry(f.errorClass);
    e.recovered += f.recovered;
    e.final += f.final;
  }
  return [...merged.values()];
};

function toConnectionHealth(c: ConnectionHealthReport): ConnectionHealth {
  const f = c.facts;
  return {
    connectionId: f.id,
    status: c.status,
    successRate: c.successRate,
    recordSuccessRate: c.recordSuccessRate,
    runsFinished: f.runs.finished,
    runsFailed: f.runs.failed,
    syncLatencyP50Ms: f.latency.p50Ms,
    syncLatencyP95Ms: f.latency.p95Ms,
    errorsByClass: errorCounts(f.errorsByClass, f.callFailures),
    apiUsed: f.apiUsed,
    apiLimit: f.apiLimit,
    apiUsageRatio: c.apiUsageRatio,
    quarantineSize: f.quarantineSize,
    circuit: f.circuit,
    lastSuccessfulSyncAt: f.lastSuccessfulSyncAt,
    tokenExpiresAt: f.tokenExpiresAt,
  };
}

export function toHealth(r: HealthReport, window: string, connectionId?: string | null): Health {
  return {
    window,
    generatedAt: r.at,
    status: r.status,
    successRate: r.successRate,
    recordSuccessRate: r.recordSuccessRate,
    syncLatencyP50Ms: r.latencyP50Ms,
    syncLatencyP95Ms: r.latencyP95Ms,
    quarantineSize: r.quarantineSize,
    errorsByClass: errorCounts(r.errorsByClass, r.callFailures),
    connections: r.connections.filter((c) => !connectionId || c.facts.id === connectionId).map(toConnectionHealth),
  };
}

export const toHealthPoint = (p: HealthPointReport): HealthPoint => ({ at: p.at, runs: p.runs, successRate: p.successRate, syncLatencyP50Ms: p.latencyP50Ms, syncLatencyP95Ms: p.latencyP95Ms });
