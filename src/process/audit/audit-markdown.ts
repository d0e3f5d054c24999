/** The audit report as Markdown, for people; the JSON file carries the same data for tools. */
import { shownValue } from './audit-comparison';
import type { AuditReport } from './audit.service';

const pct = (r: number) => `${(r * 100).toFixed(2)} %`;
const day = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');
const cell = (v: unknown) => String(v ?? '—').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function auditMarkdown(r: AuditReport): string {
  const lines: string[] = [];
  const dq = r.dataQuality;
  lines.push(`# Junction audit — ${r.generatedAt.toISOString().slice(0, 10)}`, '', `Generated ${day(r.generatedAt)}.`, '');
  lines.push('## Data quality', '', '| measure | rate | records |', '|---|---|---|');
  lines.push(`| contacts | | ${dq.totalContacts} |`);
  lines.push(`| duplicates (same email) | ${pct(dq.duplicateRate)} | ${dq.counts.duplicates} |`);
  lines.push(`| missing required (email, last name) | ${pct(dq.missingRequiredRate)} | ${dq.counts.missingRequired} |`);
  lines.push(`| invalid emails | ${pct(dq.invalidEmailRate)} | ${dq.counts.invalidEmails} |`);
  lines.push(`| stale (unchanged ${dq.staleDays} days) | ${pct(dq.staleRate)} | ${dq.counts.stale} |`, '');
  lines.push('## Reconciliation: store against each CRM', '', '| connection | missing in CRM | missing in store | field mismatches | note |', '|---|---|---|---|---|');
  for (const d of r.discrepancies) lines.push(`| ${cell(d.connectionName)} | ${d.missingRemotely} | ${d.missingLocally} | ${d.fieldMismatches} | ${d.error ? cell(`not read: ${d.error}`) : ''} |`);
  const examples = r.discrepancies.flatMap((d) => d.examples.map((e) => ({ ...e, connection: d.connectionName })));
  if (examples.length) {
    lines.push('', '### Examples', '', '| connection | kind | record | field | store | CRM |', '|---|---|---|---|---|---|');
    for (const e of examples.slice(0, 40)) lines.push(`| ${cell(e.connection)} | ${e.kind} | ${cell(`${e.remoteType} ${e.remoteId}`)} | ${cell(e.field)} | ${cell(e.store)} | ${cell(e.crm)} |`);
  }
  lines.push('', '## Access', '');
  lines.push(`- API keys with broad roles (ADMIN, OPERATOR): **${r.access.apiKeysWithBroadRoles}**`);
  for (const k of r.access.broadKeys) lines.push(`  - ${cell(k.name)} (${k.role}, ${k.prefix}…, last used ${day(k.lastUsedAt)})`);
  lines.push(`- API keys unused for 90 days (revoke candidates): **${r.access.unusedKeys.length}**`);
  for (const k of r.access.unusedKeys) lines.push(`  - ${cell(k.name)} (${k.role}, ${k.prefix}…, created ${day(k.createdAt)}, last used ${day(k.lastUsedAt)})`);
  lines.push(
    r.access.failedAuthLast24h === null
      ? '- Failed authentications in the last 24 h: not persisted by this installation (only the running process counts them).'
      : `- Failed authentications in the last 24 h: **${r.access.failedAuthLast24h}**`,
  );
  lines.push('', '## Credentials by expiry', '', '| connection | expires | what |', '|---|---|---|');
  for (const t of r.tokens) lines.push(`| ${cell(t.connectionName)} | ${day(t.expiresAt)} | ${t.source} |`);
  lines.push('', `Active alerts: ${r.activeAlerts}.`, '');
  if (r.comparison) {
    const moved = r.comparison.changes.filter((c) => c.direction !== 'UNCHANGED');
    lines.push(`## Since the audit of ${day(r.comparison.previousAt)}`, '');
    if (!moved.length) lines.push('No compared figure moved.', '');
    else lines.push('| figure | before | now | |', '|---|---|---|---|', ...moved.map((c) => `| ${cell(c.label)} | ${shownValue(c.measure, c.before)} | ${shownValue(c.measure, c.after)} | ${c.direction.toLowerCase()} |`), '');
  }
  lines.push('## Plan', '');
  for (const h of [30, 60, 90] as const) {
    const items = r.plan.filter((p) => p.horizonDays === h);
    lines.push(`### Within ${h} days`, '', ...(items.length ? items.map((p) => `- ${p.action}`) : ['- Nothing found for this horizon.']), '');
  }
  return lines.join('\n');
}
