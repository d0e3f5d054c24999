/**
 * Keeps the alerts table equal to what the rules say should be active: raises new alerts
 * exactly once (the unique index on active dedupe keys decides, across every instance),
 * resolves those whose condition cleared, and delivers each change to subscribers, the
 * webhook and the log.
 */
import type { DataSource } from 'typeorm';
import { TOPICS, type EventBus } from '../events';
import { loadHealthSnapshot } from '../health/health-snapshot';
import { ALERT_KINDS, DEFAULT_RULES, evaluateAlerts, type AlertKind, type AlertRule, type AlertSeverity, type DesiredAlert } from './alert-rules';
import type { AlertWebhook } from './alert-webhook';

export interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  connectionId: string | null;
  dedupeKey: string;
  message: string;
  raisedAt: Date;
  resolvedAt: Date | null;
}

interface Row { id: string; kind: string; severity: string; connection_id: string | null; dedupe_key: string; message: string; raised_at: Date; resolved_at: Date | null }
const toAlert = (r: Row): AlertRow => ({ id: r.id, kind: r.kind, severity: r.severity, connectionId: r.connection_id, dedupeKey: r.dedupe_key, message: r.message, raisedAt: r.raised_at, resolvedAt: r.resolved_at });

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
    const rows = (await this.deps.db.query(`SELECT kind, enabled, threshold, severity FROM alert_rules`)) as Array<{ kind: string; enabled: boolean; threshold: number; severity: AlertSeverity }>;
    const rules = { ...DEFAULT_RULES };
    for (const r of rows) if ((ALERT_KINDS as readonly string[]).includes(r.kind)) rules[r.kind as AlertKind] = { kind: r.kind as AlertKind, enabled: r.enabled, threshold: Number(r.threshold), severity: r.severity };
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
      const rows = (await db.query(
        `INSERT INTO alerts (kind, severity, connection_id, dedupe_key, message, raised_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL DO NOTHING RETURNING *`,
        [a.kind, a.severity, a.connectionId, a.dedupeKey, a.message, now],
      )) as Row[];
      if (rows[0]) raised.push(toAlert(rows[0]));
    }
    const [resolvedRows] = (await db.query(
      `UPDATE alerts SET resolved_at = $1 WHERE resolved_at IS NULL AND NOT (dedupe_key = ANY($2::text[])) RETURNING *`,
      [now, desired.map((a) => a.dedupeKey)],
    )) as [Row[], number];
    const resolved = resolvedRows.map(toAlert);
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
    const where = ['$1::text[] IS NULL OR kind = ANY($1::text[])'];
    if (active === true) where.push('resolved_at IS NULL');
    if (active === false) where.push('resolved_at IS NOT NULL');
    const rows = (await this.deps.db.query(`SELECT * FROM alerts WHERE (${where.join(') AND (')}) ORDER BY raised_at DESC, id LIMIT 500`, [kinds?.length ? kinds : null])) as Row[];
    return rows.map(toAlert);
  }

  async byId(id: string): Promise<AlertRow | null> {
    const rows = (await this.deps.db.query(`SELECT * FROM alerts WHERE id::text = $1`, [id])) as Row[];
    return rows[0] ? toAlert(rows[0]) : null;
  }
}
