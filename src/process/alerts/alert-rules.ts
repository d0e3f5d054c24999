/**
 * The alert rules (SPEC §3), as one pure function over a one-hour health snapshot, the
 * rule settings and a clock: which alerts should be active right now. Raising, resolving
 * and delivering is the alert service's job.
 */
import { connectionHealth } from '../health/health-report';
import type { ConnectionFacts, HealthSnapshot, SyncBlockFact } from '../health/health-snapshot';

export const ALERT_KINDS = ['FAILURE_RATE', 'NO_RECENT_SYNC', 'TOKEN_EXPIRING_7D', 'TOKEN_EXPIRING_1D', 'API_USAGE', 'CIRCUIT_OPEN', 'SCHEMA_DRIFT', 'SYNC_BLOCKED', 'CREDENTIALS'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertRule {
  kind: AlertKind;
  enabled: boolean;
  /** Unit per kind: a ratio, minutes, days or hours (see DEFAULT_RULES). */
  threshold: number;
  severity: AlertSeverity;
}

/** Field defaults; the alert_rules table starts with these and may change them. */
export const DEFAULT_RULES: Record<AlertKind, AlertRule> = {
  /** Share of failed runs or records over the last hour, above which to alert. */
  FAILURE_RATE: { kind: 'FAILURE_RATE', enabled: true, threshold: 0.01, severity: 'CRITICAL' },
  /** Minutes without a successful sync on an enabled connection (dead man's switch). */
  NO_RECENT_SYNC: { kind: 'NO_RECENT_SYNC', enabled: true, threshold: 30, severity: 'CRITICAL' },
  /** Days before a connection's credentials (token, secret or key) expire. */
  TOKEN_EXPIRING_7D: { kind: 'TOKEN_EXPIRING_7D', enabled: true, threshold: 7, severity: 'WARNING' },
  TOKEN_EXPIRING_1D: { kind: 'TOKEN_EXPIRING_1D', enabled: true, threshold: 1, severity: 'CRITICAL' },
  /** Share of the daily API limit used. */
  API_USAGE: { kind: 'API_USAGE', enabled: true, threshold: 0.6, severity: 'WARNING' },
  CIRCUIT_OPEN: { kind: 'CIRCUIT_OPEN', enabled: true, threshold: 0, severity: 'CRITICAL' },
  /** Hours a reported schema drift (error code SCHEMA_DRIFT) keeps its alert active. */
  SCHEMA_DRIFT: { kind: 'SCHEMA_DRIFT', enabled: true, threshold: 24, severity: 'WARNING' },
  /**
   * The test-batch gate stopped the connection's sync for a systemic reason (threshold unused).
   * CRITICAL: nothing moves between the connection and the others until a person acts.
   */
  SYNC_BLOCKED: { kind: 'SYNC_BLOCKED', enabled: true, threshold: 0, severity: 'CRITICAL' },
  /** The CRM refused the connection's credentials: nothing syncs until someone replaces them (threshold unused). */
  CREDENTIALS: { kind: 'CREDENTIALS', enabled: true, threshold: 0, severity: 'CRITICAL' },
};

export interface DesiredAlert {
  kind: AlertKind;
  severity: AlertSeverity;
  connectionId: string | null;
  /** One active alert per key (a unique index): the same condition is raised once. */
  dedupeKey: string;
  message: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const pct = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;

type Check = (c: ConnectionFacts, rule: AlertRule, now: number) => string | null;

const CHECKS: Record<AlertKind, Check> = {
  FAILURE_RATE: (c, rule) => {
    const rate = connectionHealth(c).failureRate;
    return rate !== null && rate > rule.threshold ? `${c.name}: ${pct(rate)} of runs or records failed in the last hour (threshold ${pct(rule.threshold)})` : null;
  },
  NO_RECENT_SYNC: (c, rule, now) => {
    const since = (c.lastSuccessfulSyncAt ?? c.createdAt).getTime();
    const minutes = (now - since) / MINUTE;
    return minutes > rule.threshold ? `${c.name}: no successful sync for ${Math.floor(minutes)} min (threshold ${rule.threshold} min)` : null;
  },
  TOKEN_EXPIRING_7D: (c, rule, now) => tokenExpiring(c, rule, now),
  TOKEN_EXPIRING_1D: (c, rule, now) => tokenExpiring(c, rule, now),
  API_USAGE: (c, rule) => {
    const ratio = connectionHealth(c).apiUsageRatio;
    return ratio !== null && ratio >= rule.threshold ? `${c.name}: ${pct(ratio)} of the daily API limit used (${c.apiUsed}/${c.apiLimit})` : null;
  },
  CIRCUIT_OPEN: (c) => (c.circuit === 'OPEN' ? `${c.name}: circuit open, calls to the CRM are suspended` : null),
  SCHEMA_DRIFT: (c, rule, now) =>
    c.schemaDriftSeenAt && now - c.schemaDriftSeenAt.getTime() <= rule.threshold * HOUR ? `${c.name}: the CRM's schema drifted from the mapping (last seen ${c.schemaDriftSeenAt.toISOString()})` : null,
  SYNC_BLOCKED: (c) => (c.syncBlock ? syncBlocked(c.name, c.syncBlock) : null),
  CREDENTIALS: (c) =>
    c.credentialsRefusedAt
      ? `${c.name}: the CRM refused Junction's credentials at ${c.credentialsRefusedAt.toISOString()}; nothing syncs until new ones are sent with updateConnection`
      : null,
};

/** Why the gate stopped the sync and the records concerned, for a person to act on. */
function syncBlocked(name: string, b: SyncBlockFact): string {
  const records = b.records.length ? b.records.map((r) => `${r.type} ${r.id ?? '(no id)'} (${r.problem})`).join('; ') : 'none read';
  return `${name}: sync blocked since ${b.blockedAt.toISOString()} (${b.cause}): ${b.reason}. Records: ${records}`;
}

/**
 * Watches the credentials' own expiry (settings.credentialsExpireAt), not the access token:
 * access tokens live minutes to hours and are refreshed by the client, and one that can no
 * longer be refreshed is the CREDENTIALS alert.
 */
function tokenExpiring(c: ConnectionFacts, rule: AlertRule, now: number): string | null {
  const at = c.credentialsExpireAt;
  if (!at) return null;
  const left = at.getTime() - now;
  if (left > rule.threshold * DAY) return null;
  return left <= 0 ? `${c.name}: credentials expired at ${at.toISOString()}` : `${c.name}: credentials expire in ${(left / DAY).toFixed(1)} days (${at.toISOString()})`;
}

/** Conditions with an identity beyond their connection: another one is another alert (a block for a new cause says so anew). */
const DETAIL_OF: Partial<Record<AlertKind, (c: ConnectionFacts) => string | undefined>> = { SYNC_BLOCKED: (c) => c.syncBlock?.cause };

/** Rules that watch a sync schedule say nothing about a paused connection. */
const SKIPPED_WHEN_PAUSED = new Set<AlertKind>(['FAILURE_RATE', 'NO_RECENT_SYNC']);

export function evaluateAlerts(snapshot: HealthSnapshot, rules: Record<AlertKind, AlertRule>, now: Date): DesiredAlert[] {
  const out: DesiredAlert[] = [];
  for (const c of snapshot.connections) {
    const paused = !c.enabled || c.status === 'PAUSED';
    for (const kind of ALERT_KINDS) {
      const rule = rules[kind];
      if (!rule.enabled || (paused && SKIPPED_WHEN_PAUSED.has(kind))) continue;
      const message = CHECKS[kind](c, rule, now.getTime());
      const detail = DETAIL_OF[kind]?.(c);
      if (message) out.push({ kind, severity: rule.severity, connectionId: c.id, dedupeKey: `${kind}:${c.id}${detail ? `:${detail}` : ''}`, message });
    }
  }
  return out;
}
