/**
 * Keeps the alerts table equal to what the rules say should be active: raises new alerts
 * exactly once (the unique index on active dedupe keys decides, across every instance),
 * resolves those whose condition cleared, and delivers each change to subscribers, the log and
 * the channels its rule names. Rules are read anew at every evaluation, so a threshold changed
 * through the API counts from the next one.
 */
import type { DataSource } from 'typeorm';
import { TOPICS, type EventBus } from '../events';
import { loadHealthSnapshot, type HealthSnapshot } from '../health/health-snapshot';
import { alertById, listAlerts, raiseAlert, resolveAlertsExcept, type AlertRow } from '../store/ops/alert.repository';
import { alertRuleById, deleteAlertRuleOverride, loadAlertRules, updateAlertRule, upsertAlertRuleOverride, type StoredAlertRule } from '../store/ops/alert-rule.repository';
import { evaluateAlerts, type DesiredAlert } from './alert-checks';
import { applyRuleChange, AlertRuleInputError, type AlertRuleChange } from './alert-rule-input';
import { ALERT_CHANNELS, DEFAULT_RULES, DEFAULT_WINDOW_MINUTES, GLOBAL_KINDS, isAlertKind, ruleFor, ruleSet, type AlertChannel, type AlertKind, type AlertRule, type AlertSeverity, type RuleSet } from './alert-rules';
import type { AlertWebhook } from './alert-webhook';

export type { AlertRow } from '../store/ops/alert.repository';

export interface AlertServiceDeps {
  db: DataSource;
  events: EventBus;
  /** Delivery per channel; a channel with nothing configured delivers nowhere. */
  webhook?: AlertWebhook;
  slack?: AlertWebhook;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

/** A rule as the API shows it: its stored identity, and what the checks use. */
export interface AlertRuleView extends AlertRule {
  id: string;
  connectionId: string | null;
  updatedAt: Date;
}

const MINUTE = 60_000;

function toRule(r: StoredAlertRule & { kind: AlertKind }): AlertRule {
  return {
    kind: r.kind,
    enabled: r.enabled,
    threshold: r.threshold,
    severity: r.severity as AlertSeverity,
    windowMinutes: r.windowMinutes ?? DEFAULT_RULES[r.kind].windowMinutes,
    channels: r.channels.filter((c): c is AlertChannel => (ALERT_CHANNELS as readonly string[]).includes(c)),
  };
}
const known = (r: StoredAlertRule): r is StoredAlertRule & { kind: AlertKind } => isAlertKind(r.kind);
const toView = (r: StoredAlertRule & { kind: AlertKind }): AlertRuleView => ({ ...toRule(r), id: r.id, connectionId: r.connectionId, updatedAt: r.updatedAt });

export class AlertService {
  constructor(private deps: AlertServiceDeps) {}

  async rules(): Promise<RuleSet> {
    const global = { ...DEFAULT_RULES };
    const overrides = new Map<string, Partial<Record<AlertKind, AlertRule>>>();
    for (const r of (await loadAlertRules(this.deps.db)).filter(known)) {
      if (!r.connectionId) global[r.kind] = toRule(r);
      else overrides.set(r.connectionId, { ...overrides.get(r.connectionId), [r.kind]: toRule(r) });
    }
    return ruleSet(global, overrides);
  }

  /** One evaluation at `now`: the rules over their windows (the last hour unless a rule says otherwise), then raise and resolve. */
  async evaluate(now: Date): Promise<{ raised: AlertRow[]; resolved: AlertRow[] }> {
    const rules = await this.rules();
    const snapshot = await loadHealthSnapshot(this.deps.db, now, DEFAULT_WINDOW_MINUTES * MINUTE);
    const windows = new Map<number, HealthSnapshot>();
    for (const rule of [...Object.values(rules.global), ...[...rules.overrides.values()].flatMap((o) => Object.values(o))])
      if (rule.enabled && rule.windowMinutes && rule.windowMinutes !== DEFAULT_WINDOW_MINUTES && !windows.has(rule.windowMinutes))
        windows.set(rule.windowMinutes, await loadHealthSnapshot(this.deps.db, now, rule.windowMinutes * MINUTE));
    return this.reconcile(evaluateAlerts(snapshot, rules, now, windows), now, rules);
  }

  async reconcile(desired: DesiredAlert[], now: Date, rules?: RuleSet): Promise<{ raised: AlertRow[]; resolved: AlertRow[] }> {
    const { db } = this.deps;
    const raised: AlertRow[] = [];
    for (const a of desired) {
      const alert = await raiseAlert(db, a, now);
      if (alert) raised.push(alert);
    }
    const resolved = await resolveAlertsExcept(db, desired.map((a) => a.dedupeKey), now);
    const inForce = rules ?? (await this.rules());
    const channelsOf = (a: AlertRow) => (isAlertKind(a.kind) ? ruleFor(inForce, a.kind, a.connectionId).channels : [...ALERT_CHANNELS]);
    for (const a of raised) this.announce('alert.raised', a, channelsOf(a));
    for (const a of resolved) this.announce('alert.resolved', a, channelsOf(a));
    return { raised, resolved };
  }

  private announce(event: 'alert.raised' | 'alert.resolved', a: AlertRow, channels: readonly AlertChannel[]): void {
    const { kind, severity, connectionId, message } = a;
    this.deps.log?.(event === 'alert.raised' ? (severity === 'CRITICAL' ? 'error' : 'warn') : 'info', event === 'alert.raised' ? 'alert raised' : 'alert resolved', { alertId: a.id, kind, severity, connectionId, message });
    if (event === 'alert.raised') this.deps.events.publish(TOPICS.ALERT_RAISED, { id: a.id });
    const payload = { id: a.id, kind, severity, connectionId, message, raisedAt: a.raisedAt.toISOString(), resolvedAt: a.resolvedAt?.toISOString() ?? null };
    if (channels.includes('WEBHOOK')) this.deps.webhook?.send(event, payload);
    if (channels.includes('SLACK')) this.deps.slack?.send(event, payload);
  }

  /** Newest first: active only when `active` is true, resolved only when false; of the given kinds when there are any. */
  async list(active?: boolean | null, kinds?: readonly AlertKind[] | null): Promise<AlertRow[]> {
    return listAlerts(this.deps.db, active, kinds);
  }

  async byId(id: string): Promise<AlertRow | null> {
    return alertById(this.deps.db, id);
  }

  /** The global rules, and every override (or only the given connection's). */
  async listRules(connectionId?: string | null): Promise<AlertRuleView[]> {
    return (await loadAlertRules(this.deps.db, connectionId)).filter(known).map(toView);
  }

  /**
   * Changes a rule; with `connectionId` on a global rule, creates (or changes) that
   * connection's override of it instead. Null when there is no rule `id`;
   * AlertRuleInputError when the change does not fit the kind.
   */
  async updateRule(id: string, change: AlertRuleChange & { connectionId?: string | null }, by: string | null): Promise<AlertRuleView | null> {
    const stored = await alertRuleById(this.deps.db, id);
    if (!stored || !known(stored)) return null;
    const next = applyRuleChange(toRule(stored), change);
    const settings = { enabled: next.enabled, threshold: next.threshold, severity: next.severity, windowMinutes: next.windowMinutes, channels: next.channels };
    const target = change.connectionId ?? null;
    if (target && GLOBAL_KINDS.has(stored.kind)) throw new AlertRuleInputError('connectionId', `${stored.kind} is about Junction itself, not a connection: it has no per-connection override`);
    if (target && stored.connectionId && stored.connectionId !== target) throw new AlertRuleInputError('connectionId', 'this rule is already another connection’s override; change the global rule instead');
    const saved = target && !stored.connectionId ? await upsertAlertRuleOverride(this.deps.db, stored.kind, target, settings, by) : await updateAlertRule(this.deps.db, id, settings, by);
    return saved && known(saved) ? toView(saved) : null;
  }

  /** Removes a connection's override, so the global rule holds for it again; false when `id` is no override. */
  async removeOverride(id: string): Promise<boolean> {
    return deleteAlertRuleOverride(this.deps.db, id);
  }
}
