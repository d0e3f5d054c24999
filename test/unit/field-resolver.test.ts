import { describe, expect, it } from 'vitest';
import { resolveFields, type Provenance } from '../../src/process/resolve/field-resolver';

const t = (iso: string) => new Date(iso);
const noRules = { owners: new Map<string, string | null>(), verified: new Set<string>() };

describe('resolveFields', () => {
  const current = { phone: '+12125550100', title: 'CTO', email: 'a@x.com' };
  const provenance = new Map<string, Provenance>([
    ['phone', { connectionId: 'sf', changedAt: t('2026-01-02T00:00:00Z') }],
    ['title', { connectionId: 'sf', changedAt: t('2026-01-02T00:00:00Z') }],
  ]);

  it('applies a later change', () => {
    const r = resolveFields(current, provenance, { connectionId: 'hs', changedAt: t('2026-01-03T00:00:00Z'), values: { phone: '+12125550199' } }, noRules);
    expect(r.apply).toEqual({ phone: '+12125550199' });
  });

  it('rejects an older change', () => {
    const r = resolveFields(current, provenance, { connectionId: 'hs', changedAt: t('2026-01-01T00:00:00Z'), values: { phone: '+12125550199' } }, noRules);
    expect(r.apply).toEqual({});
    expect(r.rejected).toEqual([{ field: 'phone', value: '+12125550199', reason: 'OLDER' }]);
  });

  it('breaks a tie by connection id, the same way on every instance', () => {
    const same = t('2026-01-02T00:00:00Z');
    expect(resolveFields(current, provenance, { connectionId: 'zz', changedAt: same, values: { title: 'CEO' } }, noRules).apply).toEqual({});
    expect(resolveFields(current, provenance, { connectionId: 'aa', changedAt: same, values: { title: 'CEO' } }, noRules).apply).toEqual({ title: 'CEO' });
  });

  it('lets only the owner change an owned field, even when older', () => {
    const rules = { owners: new Map([['title', 'sf']]), verified: new Set<string>() };
    expect(resolveFields(current, provenance, { connectionId: 'hs', changedAt: t('2027-01-01T00:00:00Z'), values: { title: 'CEO' } }, rules).rejected[0]?.reason).toBe('OWNED_ELSEWHERE');
    expect(resolveFields(current, provenance, { connectionId: 'sf', changedAt: t('2025-01-01T00:00:00Z'), values: { title: 'CEO' } }, rules).apply).toEqual({ title: 'CEO' });
  });

  it('never overwrites a verified field', () => {
    const rules = { owners: new Map<string, string | null>(), verified: new Set(['phone']) };
    const r = resolveFields(current, provenance, { connectionId: 'hs', changedAt: t('2027-01-01T00:00:00Z'), values: { phone: '+1999' } }, rules);
    expect(r.apply).toEqual({});
    expect(r.rejected[0]?.reason).toBe('VERIFIED');
  });

  it('never lets a null erase a known value, and fills empty fields', () => {
    const r = resolveFields(current, provenance, { connectionId: 'hs', changedAt: t('2027-01-01T00:00:00Z'), values: { phone: null, city: 'Albany' } }, noRules);
    expect(r.apply).toEqual({ city: 'Albany' });
  });
});
