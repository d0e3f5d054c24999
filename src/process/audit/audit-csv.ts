/**
 * The audit report as CSV, for spreadsheets that follow the figures from quarter to quarter:
 * one row per figure (with the previous report's value and the direction, when compared), then
 * one per plan action.
 */
import { stringify } from 'csv-stringify/sync';
import { measuresOf } from './audit-comparison';
import type { AuditReport } from './audit.service';

export function auditCsv(r: AuditReport): string {
  const change = new Map((r.comparison?.changes ?? []).map((c) => [c.measure, c]));
  const rows: unknown[][] = [['section', 'measure', 'connection', 'value', 'previous', 'change']];
  for (const m of measuresOf(r)) {
    const c = change.get(m.measure);
    const connection = r.discrepancies.find((d) => d.connectionId === m.connectionId)?.connectionName ?? '';
    rows.push([m.connectionId ? 'reconciliation' : m.measure.endsWith('Rate') || m.measure === 'totalContacts' ? 'data quality' : 'operations', m.measure.split(':')[0], connection, m.value, c?.before ?? '', c?.direction ?? '']);
  }
  for (const p of r.plan) rows.push(['plan', `within ${p.horizonDays} days`, '', p.action, '', '']);
  return stringify(rows, { record_delimiter: '\n' });
}
