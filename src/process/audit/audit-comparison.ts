/**
 * A report set beside the one before it: each figure the plan acts on, before and after, and
 * whether it improved or got worse. Lower is better for every compared figure but the
 * contact count, which only grows or shrinks. Pure.
 */
import type { AuditReport } from './audit.service';

export type ChangeDirection = 'IMPROVED' | 'WORSENED' | 'UNCHANGED' | 'CHANGED';

export interface MeasureChange {
  /** Stable key, also on the plan items it concerns: `duplicateRate`, `fieldMismatches:<connectionId>`, … */
  measure: string;
  label: string;
  connectionId: string | null;
  before: number;
  after: number;
  direction: ChangeDirection;
}

export interface AuditComparison {
  previousId: string;
  previousAt: Date;
  changes: MeasureChange[];
}

export type AuditFigures = Pick<AuditReport, 'dataQuality' | 'discrepancies' | 'access' | 'activeAlerts'>;

/** Rates closer than this (a hundredth of a percentage point) count as unchanged. */
const RATE_EPSILON = 1e-4;

interface Measure {
  measure: string;
  label: string;
  connectionId: string | null;
  value: number;
  rate?: boolean;
  neutral?: boolean;
}

export function measuresOf(r: AuditFigures): Measure[] {
  const dq = r.dataQuality;
  const out: Measure[] = [
    { measure: 'totalContacts', label: 'contacts', connectionId: null, value: dq.totalContacts, neutral: true },
    { measure: 'duplicateRate', label: 'duplicate rate', connectionId: null, value: dq.duplicateRate, rate: true },
    { measure: 'missingRequiredRate', label: 'contacts missing an email or last name', connectionId: null, value: dq.missingRequiredRate, rate: true },
    { measure: 'invalidEmailRate', label: 'invalid email rate', connectionId: null, value: dq.invalidEmailRate, rate: true },
    { measure: 'staleRate', label: 'stale contacts', connectionId: null, value: dq.staleRate, rate: true },
  ];
  for (const d of r.discrepancies) {
    const of = (measure: string, label: string, value: number) => out.push({ measure: `${measure}:${d.connectionId}`, label: `${d.connectionName}: ${label}`, connectionId: d.connectionId, value });
    of('missingRemotely', 'records gone from the CRM', d.missingRemotely);
    of('missingLocally', 'CRM records missing from the store', d.missingLocally);
    of('fieldMismatches', 'field mismatches', d.fieldMismatches);
    of('unreadable', 'CRM not readable', d.error ? 1 : 0);
  }
  out.push({ measure: 'unusedApiKeys', label: 'API keys unused for 90 days', connectionId: null, value: r.access.unusedKeys.length });
  out.push({ measure: 'apiKeysWithBroadRoles', label: 'ADMIN/OPERATOR keys', connectionId: null, value: r.access.apiKeysWithBroadRoles });
  out.push({ measure: 'activeAlerts', label: 'active alerts', connectionId: null, value: r.activeAlerts });
  return out;
}

/** Figures present in both reports; a connection added or removed since has nothing to compare. */
export function compareAudits(previous: { id: string; report: AuditFigures & { generatedAt: Date } }, current: AuditFigures): AuditComparison {
  const before = new Map(measuresOf(previous.report).map((m) => [m.measure, m]));
  const changes: MeasureChange[] = [];
  for (const m of measuresOf(current)) {
    const b = before.get(m.measure);
    if (!b) continue;
    const delta = m.value - b.value;
    const same = m.rate ? Math.abs(delta) < RATE_EPSILON : delta === 0;
    const direction: ChangeDirection = same ? 'UNCHANGED' : m.neutral ? 'CHANGED' : delta < 0 ? 'IMPROVED' : 'WORSENED';
    changes.push({ measure: m.measure, label: m.label, connectionId: m.connectionId, before: b.value, after: m.value, direction });
  }
  return { previousId: previous.id, previousAt: previous.report.generatedAt, changes };
}

/** A figure as people read it: rates in percent, counts as they are. */
export function shownValue(measure: string, value: number): string {
  return /Rate$/.test(measure) ? `${(value * 100).toFixed(2)} %` : String(value);
}
