/** The comparison of two reports, the plan built from it, and the audit schedule's due slot. Pure. */
import { describe, expect, it } from 'vitest';
import { compareAudits, type AuditFigures } from '../../src/process/audit/audit-comparison';
import { auditPlan } from '../../src/process/audit/audit-plan';
import { dueSlot, QUARTERLY, scheduleProblem } from '../../src/process/audit/audit-schedule';

const figures = (over: { duplicates?: number; mismatches?: number; stale?: number } = {}): AuditFigures => ({
  dataQuality: {
    totalContacts: 1000,
    duplicateRate: (over.duplicates ?? 0) / 1000,
    missingRequiredRate: 0,
    invalidEmailRate: 0,
    staleRate: (over.stale ?? 0) / 1000,
    staleDays: 180,
    counts: { duplicates: over.duplicates ?? 0, missingRequired: 0, invalidEmails: 0, stale: over.stale ?? 0 },
  },
  discrepancies: [{ connectionId: 'c1', connectionName: 'SF', missingRemotely: 0, missingLocally: 0, fieldMismatches: over.mismatches ?? 0, examples: [], error: null }],
  access: { apiKeysWithBroadRoles: 1, broadKeys: [], unusedKeys: [], failedAuthLast24h: 0 },
  activeAlerts: 0,
});
const previous = (f: AuditFigures) => ({ id: 'p1', report: { ...f, generatedAt: new Date('2026-10-01T03:00:00Z') } });
const planOf = (f: AuditFigures, comparison: ReturnType<typeof compareAudits> | null) =>
  auditPlan({ now: new Date('2027-01-01T03:00:00Z'), ...f, tokens: [{ connectionId: 'c1', connectionName: 'SF', expiresAt: null, source: 'unknown' }], comparison });

describe('audit comparison', () => {
  it('says what improved, what got worse and what stayed', () => {
    const c = compareAudits(previous(figures({ duplicates: 50, mismatches: 0, stale: 300 })), figures({ duplicates: 20, mismatches: 3, stale: 300 }));
    const by = new Map(c.changes.map((x) => [x.measure, x]));
    expect(by.get('duplicateRate')).toMatchObject({ before: 0.05, after: 0.02, direction: 'IMPROVED' });
    expect(by.get('fieldMismatches:c1')).toMatchObject({ before: 0, after: 3, direction: 'WORSENED' });
    expect(by.get('staleRate')?.direction).toBe('UNCHANGED');
    expect(by.get('totalContacts')?.direction).toBe('UNCHANGED');
  });

  it('builds the plan from it: worse within 30 days, not improved one horizon closer', () => {
    const before = figures({ duplicates: 50, stale: 300 });
    const now = figures({ duplicates: 50, mismatches: 3, stale: 300 });
    const alone = planOf(now, null);
    expect(alone.find((p) => p.measure === 'duplicateRate')?.horizonDays).toBe(60);
    expect(alone.find((p) => p.measure === 'staleRate')?.horizonDays).toBe(90);
    const plan = planOf(now, compareAudits(previous(before), now));
    expect(plan.find((p) => p.measure === 'duplicateRate')).toMatchObject({ horizonDays: 30, action: expect.stringMatching(/Not improved since the audit of 2026-10-01\.$/) });
    expect(plan.find((p) => p.measure === 'staleRate')?.horizonDays).toBe(60);
    expect(plan.find((p) => p.measure === 'fieldMismatches:c1')).toMatchObject({ horizonDays: 30, action: expect.stringMatching(/got worse since the audit of 2026-10-01 \(0 → 3\)/) });
    expect(plan.map((p) => p.horizonDays)).toEqual([...plan.map((p) => p.horizonDays)].sort((a, b) => a - b));
  });

  it('adds an action for a figure that got worse with no finding of its own', () => {
    const before = figures();
    const now = { ...figures(), activeAlerts: 0, access: { ...figures().access, apiKeysWithBroadRoles: 3 } };
    const plan = planOf(now, compareAudits(previous(before), now));
    expect(plan).toContainEqual({ horizonDays: 30, measure: 'apiKeysWithBroadRoles', action: expect.stringMatching(/^ADMIN\/OPERATOR keys got worse since the audit of 2026-10-01 \(1 → 3\): find what changed/) });
  });
});

describe('audit schedule', () => {
  it('is due on the quarter’s first day for a day, and not before or after', () => {
    expect(dueSlot(QUARTERLY, new Date('2027-01-01T03:00:00Z'))?.toISOString()).toBe('2027-01-01T03:00:00.000Z');
    expect(dueSlot(QUARTERLY, new Date('2027-01-01T20:00:00Z'))?.toISOString()).toBe('2027-01-01T03:00:00.000Z');
    expect(dueSlot(QUARTERLY, new Date('2027-01-02T03:00:00Z'))).toBeNull();
    expect(dueSlot(QUARTERLY, new Date('2026-12-31T23:59:00Z'))).toBeNull();
    expect(dueSlot('*/5 * * * *', new Date('2027-02-03T10:07:00Z'))?.toISOString()).toBe('2027-02-03T10:05:00.000Z');
  });

  it('names what is wrong with a schedule', () => {
    expect(scheduleProblem(QUARTERLY)).toBeNull();
    expect(scheduleProblem('0 3 1 1,4,7,10')).toMatch(/five fields/);
    expect(scheduleProblem('0 3 32 * *')).toBeTruthy();
  });
});
