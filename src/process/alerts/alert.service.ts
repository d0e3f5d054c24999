/**
 * Keeps the alerts table equal to what the rules say should be active: raises new alerts
 * exactly once (the unique index on active dedupe keys decides, across every instance),
 * resolves those whose condition cleared, and delivers each change to subscribers, the
 * webhook and the log.
 */
import type { DataSource } from 'typeorm';
import { TOPICS, type EventBus } from '../events';
import { loadHealthSnapshot } from '../health/health-snapshot';
import { alertById, listAlerts, loadAlertRules, raiseAlert, resolveAlertsExcept, type AlertRow } from '../store/ops/alert.repository';
import { ALERT_KINDS, DEFAULT_RULES, evaluateAlerts, type AlertKind, type AlertRule, type AlertSeverity, type DesiredAlert } from './alert-rules';
import type { AlertWebhook } from './alert-webhook';

export type { AlertRow } from '../store/ops/alert.repository';

export interface AlertServiceDeps {
  db: DataSource;
  events: EventBus;
  webhook?: AlertWebhook;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

const HOUR = 3_600_000;

export class AlertService {
  constructor(private deps: AlertServiceDeps) {}

  async rules(): Promise<Record<AlertKind, AlertRule>> {
    const rules = { ...DEFAULT_RULES };
    for (const r of await loadAlertRules(this.deps.db))
      if ((ALERT_KINDS as readonly string[]).includes(r.kind)) rules[r.kind as AlertKind] = { kind: r.kind as AlertKind, enabled: r.enabled, threshold: r.threshold, severity: r.severity as AlertSeverity };
    return rules;
  }

  /** One evaluation at `now`: the rules over the last hour, then raise and resolve. */
  async evaluate(now: Date): Promise<{ raised: AlertRow[]; resolved: AlertRow[] }> {
    const snapshot = await loadHealthSnapshot(this.deps.db, now, HOUR);
    return this.reconcile(evaluateAlerts(snapshot, await this.rules(), now), now);
  }

  async reconcile(desired: DesiredAlert[], now: Date): Promise<{ raised: AlertRow[]; resolved: AlertRow[] }> {
    const { db } = this.deps;
    const raised: AlertRow[] = [];
    for (const a of desired) {
      const alert = await raiseAlert(db, a, now);
      if (alert) raised.push(alert);
    }
    const resolved = await resolveAlertsExcept(db, desired.map((a) => a.dedupeKey), now);
    for (const a of raised) this.announce('alert.raised', a);
    for (const a of resolved) this.announce('alert.resolved', a);
    return { raised, resolved };
  }

  private announce(event: 'alert.raised' | 'alert.resolved', a: AlertRow): void {
    const { kind, severity, connectionId, message } = a;
    this.deps.log?.(event === 'alert.raised' ? (severity === 'CRITICAL' ? 'error' : 'warn') : 'info', event === 'alert.raised' ? 'alert raised' : 'alert resolved', { alertId: a.id, kind, severity, connectionId, message });
    if (event === 'alert.raised') this.deps.events.publish(TOPICS.ALERT_RAISED, { id: a.id });
    this.deps.webhook?.send(event, { id: a.id, kind, severity, connectionId, message, raisedAt: a.raisedAt.toISOString(), resolvedAt: a.resolvedAt?.toISOString() ?? null });
  }

  /** Newest first: active only when `active` is true, resolved only when false; of the given kinds when there are any. */
  async list(active?: boolean | null, kinds?: readonly AlertKind[] | null): Promise<AlertRow[]> {
    return listAlerts(this.deps.db, active, kinds);
  }

  async byId(id: string): Promise<AlertRow | null> {
    return alertById(this.deps.db, id);
  }
}
