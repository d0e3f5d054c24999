/**
 * The checks behind each alert kind, as one pure function over health snapshots (one per
 * window the rules in force ask for), the rule set and a clock: which alerts should be active
 * right now.
 */
import { connectionHealth } from '../health/health-report';
import type { ConnectionFacts, ExpiringKeyFact, HealthSnapshot, SyncBlockFact } from '../health/health-snapshot';
import { ALERT_KINDS, DEFAULT_WINDOW_MINUTES, GLOBAL_KINDS, ruleFor, type AlertChannel, type AlertKind, type AlertRule, type AlertSeverity, type RuleSet } from './alert-rules';

export interface DesiredAlert {
  kind: AlertKind;
  severity: AlertSeverity;
  connectionId: string | null;
  /** One active alert per key (a unique index): the same condition is raised once. */
  dedupeKey: string;
  message: string;
  channels: AlertChannel[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const pct = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;
const per = (rule: AlertRule) => `in the last ${rule.windowMinutes ?? DEFAULT_WINDOW_MINUTES} min`;

interface CheckInput {
  c: ConnectionFacts;
  rule: AlertRule;
  now: number;
  /** The connection's rule for another kind (the success-rate bands consult each other). */
  other: (kind: AlertKind) => AlertRule;
}
type Check = (i: CheckInput) => string | null;

const CHECKS: Record<AlertKind, Check> = {
  FAILURE_RATE: ({ c, rule }) => {
    const rate = connectionHealth(c).failureRate;
    return rate !== null && rate > rule.threshold ? `${c.name}: ${pct(rate)} of runs or records failed ${per(rule)} (threshold ${pct(rule.threshold)})` : null;
  },
  NO_RECENT_SYNC: ({ c, rule, now }) => {
    const since = (c.lastSuccessfulSyncAt ?? c.createdAt).getTime();
    const minutes = (now - since) / MINUTE;
    return minutes > rule.threshold ? `${c.name}: no successful sync for ${Math.floor(minutes)} min (threshold ${rule.threshold} min)` : null;
  },
  TOKEN_EXPIRING_7D: ({ c, rule, now }) => tokenExpiring(c, rule, now),
  TOKEN_EXPIRING_1D: ({ c, rule, now }) => tokenExpiring(c, rule, now),
  API_USAGE: ({ c, rule }) => {
    const ratio = connectionHealth(c).apiUsageRatio;
    return ratio !== null && ratio >= rule.threshold ? `${c.name}: ${pct(ratio)} of the daily API limit used (${c.apiUsed}/${c.apiLimit})` : null;
  },
  CIRCUIT_OPEN: ({ c }) => (c.circuit === 'OPEN' ? `${c.name}: circuit open, calls to the CRM are suspended` : null),
  SCHEMA_DRIFT: ({ c, rule, now }) =>
    c.schemaDriftSeenAt && now - c.schemaDriftSeenAt.getTime() <= rule.threshold * HOUR ? `${c.name}: the CRM's schema drifted from the mapping (last seen ${c.schemaDriftSeenAt.toISOString()})` : null,
  SYNC_BLOCKED: ({ c }) => (c.syncBlock ? syncBlocked(c.name, c.syncBlock) : null),
  CREDENTIALS: ({ c }) =>
    c.credentialsRefusedAt
      ? `${c.name}: the CRM refused Junction's credentials at ${c.credentialsRefusedAt.toISOString()}; nothing syncs until new ones are sent with updateConnection`
      : null,
  SYNC_LATENCY: ({ c, rule }) => {
    const p95 = c.latency.p95Ms;
    return p95 !== null && c.latency.deliveries > 0 && p95 > rule.threshold * MINUTE
      ? `${c.name}: changes took ${(p95 / MINUTE).toFixed(1)} min to arrive at p95 over ${c.latency.deliveries} deliveries ${per(rule)} (threshold ${rule.threshold} min)`
      : null;
  },
  QUARANTINE_BACKLOG: ({ c, rule, now }) => {
    const oldest = c.oldestQuarantinedAt;
    if (!oldest || now - oldest.getTime() <= rule.threshold * DAY) return null;
    return `${c.name}: ${c.quarantineSize} records wait in quarantine, the oldest for ${((now - oldest.getTime()) / DAY).toFixed(1)} days (threshold ${rule.threshold} days)`;
  },
  SUCCESS_RATE_WARNING: ({ c, rule, other }) => {
    const critical = other('SUCCESS_RATE_CRITICAL');
    const rate = connectionHealth(c).successRate;
    // Below the critical band the critical alert speaks alone.
    if (rate === null || rate >= rule.threshold || (critical.enabled && rate < critical.threshold)) return null;
    return successRate(c, rate, rule);
  },
  SUCCESS_RATE_CRITICAL: ({ c, rule }) => {
    const rate = connectionHealth(c).successRate;
    return rate !== null && rate < rule.threshold ? successRate(c, rate, rule) : null;
  },
  // Global: see keyExpiring.
  API_KEY_EXPIRING: () => null,
};

/** An API key expiring within the threshold, or expired and not revoked yet (it is refused already: a partner is locked out). */
function keyExpiring(k: ExpiringKeyFact, rule: AlertRule, now: number): string | null {
  const left = k.expiresAt.getTime() - now;
  if (left > rule.threshold * DAY) return null;
  const key = `API key "${k.name}" (${k.role})`;
  return left <= 0
    ? `${key} expired at ${k.expiresAt.toISOString()}: requests with it are refused; create a new key and revoke this one`
    : `${key} expires in ${(left / DAY).toFixed(1)} days (${k.expiresAt.toISOString()}): create its successor with createApiKey`;
}

const successRate = (c: ConnectionFacts, rate: number, rule: AlertRule) =>
  `${c.name}: ${pct(rate)} of ${c.runs.finished} runs succeeded ${per(rule)} (below ${pct(rule.threshold)})`;

/** Why the gate stopped the sync and the records concerned, for a person to act on. */
function syncBlocked(name: string, b: SyncBlockFact): string {
  const records = b.records.length ? b.records.map((r) => `${r.type} ${r.id ?? '(no id)'} (${r.problem})`).join('; ') : 'none read';
  return `${name}: sync blocked since ${b.blockedAt.toISOString()} (${b.cause}): ${b.reason}. Records: ${records}`;
}

/**
 * Watches when the credentials themselves stop working, not the access token: the refresh
 * token's expiry as the CRM said it (refreshTokenExpiresAt), and the operator's
 * settings.credentialsExpireAt for what the CRM does not say (a secret or key with a rotation
 * date); the earlier one counts. Access tokens live minutes to hours and are refreshed by the
 * client, and one that can no longer be refreshed is the CREDENTIALS alert.
 */
function tokenExpiring(c: ConnectionFacts, rule: AlertRule, now: number): string | null {
  const known = [
    { at: c.refreshTokenExpiresAt, what: 'refresh token (as the CRM says) expires', fix: 'reconnect or send a new refreshToken with updateConnection' },
    { at: c.credentialsExpireAt, what: 'credentials expire', fix: 'rotate them and send the new ones with updateConnection' },
  ].filter((e): e is { at: Date; what: string; fix: string } => e.at !== null);
  const first = known.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (!first) return null;
  const left = first.at.getTime() - now;
  if (left > rule.threshold * DAY) return null;
  const when = left <= 0 ? `: it is past ${first.at.toISOString()}` : ` in ${(left / DAY).toFixed(1)} days (${first.at.toISOString()})`;
  return `${c.name}: ${first.what}${when}; ${first.fix}`;
}

/** Conditions with an identity beyond their connection: another one is another alert (a block for a new cause says so anew). */
const DETAIL_OF: Partial<Record<AlertKind, (c: ConnectionFacts) => string | undefined>> = { SYNC_BLOCKED: (c) => c.syncBlock?.cause };

/** Rules that watch a sync schedule say nothing about a paused connection. */
const SKIPPED_WHEN_PAUSED = new Set<AlertKind>(['FAILURE_RATE', 'NO_RECENT_SYNC', 'SYNC_LATENCY', 'SUCCESS_RATE_WARNING', 'SUCCESS_RATE_CRITICAL']);

/**
 * Refused credentials are the cause of everything a sync schedule shows afterwards (failed runs,
 * no recent sync, a test batch blocked for ACCESS): the CREDENTIALS alert names the fix, and
 * echoes of it would bury that one page-worthy line under four.
 */
function echoesRefusedCredentials(kind: AlertKind, c: ConnectionFacts): boolean {
  if (!c.credentialsRefusedAt) return false;
  return SKIPPED_WHEN_PAUSED.has(kind) || (kind === 'SYNC_BLOCKED' && c.syncBlock?.cause === 'ACCESS');
}

/**
 * `snapshot` is over the default window; `windows` holds one per other window a rule in force
 * asks for (keyed by minutes), so a rate is measured over its own rule's window.
 */
export function evaluateAlerts(snapshot: HealthSnapshot, rules: RuleSet, now: Date, windows: ReadonlyMap<number, HealthSnapshot> = new Map()): DesiredAlert[] {
  const out: DesiredAlert[] = [];
  const factsIn = new Map([...windows].map(([minutes, s]) => [minutes, new Map(s.connections.map((c) => [c.id, c]))]));
  for (const base of snapshot.connections) {
    const paused = !base.enabled || base.status === 'PAUSED';
    const other = (kind: AlertKind) => ruleFor(rules, kind, base.id);
    for (const kind of ALERT_KINDS) {
      if (GLOBAL_KINDS.has(kind)) continue;
      const rule = other(kind);
      if (!rule.enabled || (paused && SKIPPED_WHEN_PAUSED.has(kind)) || echoesRefusedCredentials(kind, base)) continue;
      const c = (rule.windowMinutes && factsIn.get(rule.windowMinutes)?.get(base.id)) || base;
      const message = CHECKS[kind]({ c, rule, now: now.getTime(), other });
      const detail = DETAIL_OF[kind]?.(c);
      if (message) out.push({ kind, severity: rule.severity, connectionId: c.id, dedupeKey: `${kind}:${c.id}${detail ? `:${detail}` : ''}`, message, channels: rule.channels });
    }
  }
  const keys = rules.global.API_KEY_EXPIRING;
  if (keys.enabled)
    for (const k of snapshot.expiringKeys ?? []) {
      const message = keyExpiring(k, keys, now.getTime());
      if (message) out.push({ kind: 'API_KEY_EXPIRING', severity: keys.severity, connectionId: null, dedupeKey: `API_KEY_EXPIRING:${k.id}`, message, channels: keys.channels });
    }
  return out;
}
