import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ALERT_KINDS, ALERT_SEVERITIES, type AlertKind, type AlertRow, type AlertSeverity } from '../../process';
import { DateTimeScalar } from '../common/scalars';

export const AlertKindEnum = Object.fromEntries(ALERT_KINDS.map((k) => [k, k])) as { [K in AlertKind]: K };
export const AlertSeverityEnum = Object.fromEntries(ALERT_SEVERITIES.map((k) => [k, k])) as { [K in AlertSeverity]: K };
registerEnumType(AlertKindEnum, {
  name: 'AlertKind',
  valuesConfig: {
    FAILURE_RATE: { description: 'Failed runs or records above the threshold over the last hour (default 1 %).' },
    NO_RECENT_SYNC: { description: 'No successful sync for the threshold in minutes on an enabled connection (default 30).' },
    TOKEN_EXPIRING_7D: { description: "The connection's refresh token (refreshTokenExpiresAt, as the CRM says) or credentials (settings.credentialsExpireAt) expire within 7 days." },
    TOKEN_EXPIRING_1D: { description: "The connection's refresh token or credentials expire within 1 day." },
    API_USAGE: { description: 'API usage at or above the share of the daily limit (default 60 %).' },
    CIRCUIT_OPEN: { description: "The connection's circuit breaker is open." },
    SCHEMA_DRIFT: { description: 'A sync error with code SCHEMA_DRIFT was seen (default: within 24 h).' },
    SYNC_BLOCKED: {
      description:
        "The test-batch gate stopped the connection's sync for a systemic reason (refused access, an unreadable mapping, most of the batch quarantined, or most first writes refused); the message says why and lists the records. Resolved once a later run passes.",
    },
    CREDENTIALS: { description: "The CRM refused the connection's credentials; resolved once a token is issued again (updateConnection with new ones)." },
    SYNC_LATENCY: { description: 'p95 minutes from a change in its source CRM to its delivery to this connection above the threshold over the window (default 5 min over 1 h).' },
    QUARANTINE_BACKLOG: { description: "A record has waited in the connection's quarantine longer than the threshold in days (default 7)." },
    SUCCESS_RATE_WARNING: { description: 'Run success rate below the threshold over the window (default 99 % over 1 h); quiet while SUCCESS_RATE_CRITICAL fires.' },
    SUCCESS_RATE_CRITICAL: { description: 'Run success rate below the threshold over the window (default 95 % over 1 h).' },
    API_KEY_EXPIRING: { description: 'An API key expires within the threshold in days (default 7), or has expired and is not revoked yet; the alert has no connection.' },
  },
});
registerEnumType(AlertSeverityEnum, { name: 'AlertSeverity' });

@ObjectType({ description: 'An alert: raised once when its condition starts, resolved when it ends.' })
export class Alert {
  @Field(() => ID) id!: string;
  @Field(() => AlertKindEnum) kind!: AlertKind;
  @Field(() => AlertSeverityEnum) severity!: AlertSeverity;
  @Field() message!: string;
  @Field(() => DateTimeScalar) raisedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) resolvedAt!: Date | null;
  /** Resolved through the connection loader. */
  connectionId!: string | null;
}

export const toAlert = (a: AlertRow): Alert => ({
  id: a.id,
  kind: a.kind as AlertKind,
  severity: a.severity as AlertSeverity,
  message: a.message,
  raisedAt: new Date(a.raisedAt),
  resolvedAt: a.resolvedAt ? new Date(a.resolvedAt) : null,
  connectionId: a.connectionId,
});
