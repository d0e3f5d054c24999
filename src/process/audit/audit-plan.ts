/**
 * The 30/60/90-day plan: each finding becomes an action, most urgent first. With the previous
 * report's comparison, a figure that got worse becomes an action of its own, and a finding that
 * did not improve since then moves one horizon closer. Pure.
 */
import type { AccessReview, TokenExpiry } from './access-review';
import { shownValue, type AuditComparison, type MeasureChange } from './audit-comparison';
import type { DataQuality } from './data-quality';
import type { ConnectionDiscrepancies } from './reconciliation';

export interface PlanItem {
  horizonDays: 30 | 60 | 90;
  action: string;
  /** The compared figure the action is about (audit-comparison's key), when there is one. */
  measure?: string;
}

export interface PlanInputs {
  now: Date;
  dataQuality: DataQuality;
  discrepancies: ConnectionDiscrepancies[];
  access: AccessReview;
  tokens: TokenExpiry[];
  activeAlerts: number;
  comparison?: AuditComparison | null;
}

const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
/** Names a few keys (name, role, prefix) so the action can be taken from the plan alone. */
const keyList = (keys: AccessReview['unusedKeys']) =>
  keys
    .slice(0, 5)
    .map((k) => `${k.name} (${k.role}, ${k.prefix}…)`)
    .join(', ') + (keys.length > 5 ? `, and ${keys.length - 5} more` : '');
const DAY = 86_400_000;

export function auditPlan(f: PlanInputs): PlanItem[] {
  const plan: PlanItem[] = [];
  const add = (horizonDays: PlanItem['horizonDays'], action: string, measure?: string) => plan.push(measure ? { horizonDays, action, measure } : { horizonDays, action });
  for (const d of f.discrepancies) {
    const of = (m: string) => `${m}:${d.connectionId}`;
    if (d.error) add(30, `${d.connectionName}: the CRM could not be read for reconciliation (${d.error}); fix access and rerun the audit.`, of('unreadable'));
    if (d.missingRemotely > 0) add(30, `${d.connectionName}: ${d.missingRemotely} record(s) are in the store but gone from the CRM with no delete event; confirm the deletions (soft-delete them) or re-create them with a BULK sync.`, of('missingRemotely'));
    if (d.fieldMismatches > 0) add(30, `${d.connectionName}: ${d.fieldMismatches} field value(s) differ from the store without a newer modification stamp; run a BULK sync to repair and find the process writing without stamping.`, of('fieldMismatches'));
    if (d.missingLocally > 0) add(30, `${d.connectionName}: ${d.missingLocally} CRM record(s) never reached the store; run a BULK sync and check the cursor of this connection.`, of('missingLocally'));
  }
  if (f.activeAlerts > 0) add(30, `Resolve the ${f.activeAlerts} active alert(s) on the dashboard.`, 'activeAlerts');
  if (f.dataQuality.invalidEmailRate > 0) add(30, `Correct ${f.dataQuality.counts.invalidEmails} invalid email address(es) (${pct(f.dataQuality.invalidEmailRate)} of contacts) at their source.`, 'invalidEmailRate');
  if (f.access.failedAuthLast24h !== null && f.access.failedAuthLast24h > 20) add(30, `Investigate ${f.access.failedAuthLast24h} failed authentications in the last 24 h: a leaked or misconfigured key.`);
  if (f.access.unusedKeys.length > 0) add(30, `Revoke ${f.access.unusedKeys.length} API key(s) unused for 90 days: ${keyList(f.access.unusedKeys)}.`, 'unusedApiKeys');
  for (const t of f.tokens) {
    if ((t.source !== 'credentials' && t.source !== 'refresh token') || !t.expiresAt) continue;
    const days = (t.expiresAt.getTime() - f.now.getTime()) / DAY;
    const what = t.source === 'credentials' ? 'rotate the credentials before they expire' : 'reconnect before the refresh token expires';
    if (days <= 90) add(days <= 30 ? 30 : days <= 60 ? 60 : 90, `${t.connectionName}: ${what} on ${t.expiresAt.toISOString().slice(0, 10)}.`);
  }
  if (f.dataQuality.duplicateRate > 0.01) add(60, `Review and merge duplicates: ${pct(f.dataQuality.duplicateRate)} of contacts share an email with another.`, 'duplicateRate');
  if (f.dataQuality.missingRequiredRate > 0) add(60, `Complete ${f.dataQuality.counts.missingRequired} contact(s) missing an email or last name (${pct(f.dataQuality.missingRequiredRate)}).`, 'missingRequiredRate');
  if (f.access.apiKeysWithBroadRoles > 3) add(60, `Reduce the ${f.access.apiKeysWithBroadRoles} ADMIN/OPERATOR keys: give integrations PARTNER or VIEWER keys.`, 'apiKeysWithBroadRoles');
  if (f.dataQuality.staleRate > 0.2) add(90, `Review ${pct(f.dataQuality.staleRate)} of contacts unchanged for ${f.dataQuality.staleDays} days: archive or re-engage.`, 'staleRate');
  if (!f.tokens.some((t) => t.source === 'credentials' || t.source === 'refresh token')) add(90, 'Record each connection\'s credential expiry (settings.credentialsExpireAt) so expiry alerts can warn 7 days and 1 day ahead.');
  if (f.comparison) followUp(plan, f.comparison);
  add(90, 'Run this audit again next quarter and compare; revisit the alert thresholds against the last 90 days of alerts.');
  return plan.sort((a, b) => a.horizonDays - b.horizonDays);
}

const CLOSER: Record<PlanItem['horizonDays'], PlanItem['horizonDays']> = { 90: 60, 60: 30, 30: 30 };

/**
 * What the comparison adds: a finding that got worse since the previous audit is due within
 * 30 days (find the cause while it is fresh); one that was there last time and did not improve
 * moves one horizon closer; a figure that got worse with no finding of its own yet becomes an
 * action within 30 days.
 */
function followUp(plan: PlanItem[], c: AuditComparison): void {
  const since = c.previousAt.toISOString().slice(0, 10);
  const worse = (x: MeasureChange) => `${x.label} got worse since the audit of ${since} (${shownValue(x.measure, x.before)} → ${shownValue(x.measure, x.after)})`;
  const change = new Map(c.changes.map((x) => [x.measure, x]));
  const covered = new Set<string>();
  for (const item of plan) {
    const x = item.measure ? change.get(item.measure) : undefined;
    if (!x) continue;
    covered.add(x.measure);
    if (x.direction === 'WORSENED') {
      item.horizonDays = 30;
      item.action += ` ${worse(x)}.`;
    } else if (x.direction === 'UNCHANGED' && x.before !== 0) {
      item.horizonDays = CLOSER[item.horizonDays];
      item.action += ` Not improved since the audit of ${since}.`;
    }
  }
  for (const x of c.changes)
    if (x.direction === 'WORSENED' && !covered.has(x.measure)) plan.push({ horizonDays: 30, measure: x.measure, action: `${worse(x)}: find what changed since then (an import, a new integration, a mapping change).` });
}
