/**
 * The alert rules (SPEC §3) as data: each kind, what its threshold means, its field default,
 * and a rule set — the global rule per kind plus any connection's override of it. The checks
 * themselves are alert-checks.ts; raising, resolving and delivering is the alert service's job.
 */
export const ALERT_KINDS = [
  'FAILURE_RATE',
  'NO_RECENT_SYNC',
  'TOKEN_EXPIRING_7D',
  'TOKEN_EXPIRING_1D',
  'API_USAGE',
  'CIRCUIT_OPEN',
  'SCHEMA_DRIFT',
  'SYNC_BLOCKED',
  'CREDENTIALS',
  'SYNC_LATENCY',
  'QUARANTINE_BACKLOG',
  'SUCCESS_RATE_WARNING',
  'SUCCESS_RATE_CRITICAL',
  'API_KEY_EXPIRING',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
/** Where an alert is delivered besides the API: the signed webhook, a Slack-compatible incoming webhook. */
export const ALERT_CHANNELS = ['WEBHOOK', 'SLACK'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

export interface AlertRule {
  kind: AlertKind;
  enabled: boolean;
  /** In the kind's unit (THRESHOLD_UNIT). */
  threshold: number;
  severity: AlertSeverity;
  /** The window a rate or latency is measured over; null for kinds that have none. */
  windowMinutes: number | null;
  channels: AlertChannel[];
}

/** What a kind's threshold counts; 'none' for kinds that fire on a state alone. */
export type ThresholdUnit = 'ratio' | 'minutes' | 'hours' | 'days' | 'none';
export const THRESHOLD_UNIT: Record<AlertKind, ThresholdUnit> = {
  FAILURE_RATE: 'ratio',
  NO_RECENT_SYNC: 'minutes',
  TOKEN_EXPIRING_7D: 'days',
  TOKEN_EXPIRING_1D: 'days',
  API_USAGE: 'ratio',
  CIRCUIT_OPEN: 'none',
  SCHEMA_DRIFT: 'hours',
  SYNC_BLOCKED: 'none',
  CREDENTIALS: 'none',
  SYNC_LATENCY: 'minutes',
  QUARANTINE_BACKLOG: 'days',
  SUCCESS_RATE_WARNING: 'ratio',
  SUCCESS_RATE_CRITICAL: 'ratio',
  API_KEY_EXPIRING: 'days',
};

/** Kinds measured over a window of recent runs or deliveries (the others look at a state). */
export const WINDOWED_KINDS: ReadonlySet<AlertKind> = new Set(['FAILURE_RATE', 'SYNC_LATENCY', 'SUCCESS_RATE_WARNING', 'SUCCESS_RATE_CRITICAL']);
export const DEFAULT_WINDOW_MINUTES = 60;

const rule = (kind: AlertKind, threshold: number, severity: AlertSeverity): AlertRule => ({
  kind,
  enabled: true,
  threshold,
  severity,
  windowMinutes: WINDOWED_KINDS.has(kind) ? DEFAULT_WINDOW_MINUTES : null,
  channels: [...ALERT_CHANNELS],
});

/** Field defaults; the alert_rules table starts with these and may change them. */
export const DEFAULT_RULES: Record<AlertKind, AlertRule> = {
  /** Share of failed runs or records over the window, above which to alert. */
  FAILURE_RATE: rule('FAILURE_RATE', 0.01, 'CRITICAL'),
  /** Minutes without a successful sync on an enabled connection (dead man's switch). */
  NO_RECENT_SYNC: rule('NO_RECENT_SYNC', 30, 'CRITICAL'),
  /** Days before a connection's credentials (token, secret or key) expire. */
  TOKEN_EXPIRING_7D: rule('TOKEN_EXPIRING_7D', 7, 'WARNING'),
  TOKEN_EXPIRING_1D: rule('TOKEN_EXPIRING_1D', 1, 'CRITICAL'),
  /** Share of the daily API limit used. */
  API_USAGE: rule('API_USAGE', 0.6, 'WARNING'),
  CIRCUIT_OPEN: rule('CIRCUIT_OPEN', 0, 'CRITICAL'),
  /** Hours a reported schema drift (error code SCHEMA_DRIFT) keeps its alert active. */
  SCHEMA_DRIFT: rule('SCHEMA_DRIFT', 24, 'WARNING'),
  /** The test-batch gate stopped the connection's sync for a systemic reason: nothing moves until a person acts. */
  SYNC_BLOCKED: rule('SYNC_BLOCKED', 0, 'CRITICAL'),
  /** The CRM refused the connection's credentials: nothing syncs until someone replaces them. */
  CREDENTIALS: rule('CREDENTIALS', 0, 'CRITICAL'),
  /** p95 minutes from a change in its source CRM to its delivery here: the real-time goal is 5. */
  SYNC_LATENCY: rule('SYNC_LATENCY', 5, 'WARNING'),
  /** Days an entry may wait in quarantine: a month's processing should never leave one a week. */
  QUARANTINE_BACKLOG: rule('QUARANTINE_BACKLOG', 7, 'WARNING'),
  /** Run success rate below which to warn, and below which it is critical (one alert: the worse band). */
  SUCCESS_RATE_WARNING: rule('SUCCESS_RATE_WARNING', 0.99, 'WARNING'),
  SUCCESS_RATE_CRITICAL: rule('SUCCESS_RATE_CRITICAL', 0.95, 'CRITICAL'),
  /** Days before an API key's expiry (createApiKey's expiresAt): a partner whose key lapses unannounced is an outage. */
  API_KEY_EXPIRING: rule('API_KEY_EXPIRING', 7, 'WARNING'),
};

/** Kinds about Junction itself, not a connection: evaluated once, with the global rule (an override means nothing). */
export const GLOBAL_KINDS: ReadonlySet<AlertKind> = new Set(['API_KEY_EXPIRING']);

/** The rules in force: the global one per kind, and per connection the kinds it overrides. */
export interface RuleSet {
  global: Record<AlertKind, AlertRule>;
  overrides: ReadonlyMap<string, Partial<Record<AlertKind, AlertRule>>>;
}

export const ruleSet = (global: Record<AlertKind, AlertRule>, overrides: ReadonlyMap<string, Partial<Record<AlertKind, AlertRule>>> = new Map()): RuleSet => ({ global, overrides });

export function ruleFor(rules: RuleSet, kind: AlertKind, connectionId: string | null): AlertRule {
  return (connectionId ? rules.overrides.get(connectionId)?.[kind] : undefined) ?? rules.global[kind];
}

export const isAlertKind = (k: string): k is AlertKind => (ALERT_KINDS as readonly string[]).includes(k);
