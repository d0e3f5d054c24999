/**
 * Per-field conflict resolution (SPEC §3), pure: an owner rule makes one connection
 * authoritative for a field; a field a person verified is never overwritten by sync;
 * otherwise the later change wins by UTC time, ties broken by connection id so every
 * instance decides the same way. A null never erases a known value.
 */
import type { UnifiedValue } from '../model';

export interface Provenance {
  connectionId: string | null;
  changedAt: Date;
}

export interface IncomingChange {
  connectionId: string;
  changedAt: Date;
  values: Record<string, UnifiedValue>;
}

export interface ResolutionRules {
  /** field → owning connection id. */
  owners: ReadonlyMap<string, string | null>;
  verified: ReadonlySet<string>;
}

export interface Resolution {
  apply: Record<string, UnifiedValue>;
  rejected: Array<{ field: string; value: UnifiedValue; reason: 'OWNED_ELSEWHERE' | 'VERIFIED' | 'OLDER' }>;
}

export function resolveFields(
  current: Record<string, UnifiedValue>,
  provenance: ReadonlyMap<string, Provenance>,
  incoming: IncomingChange,
  rules: ResolutionRules,
): Resolution {
  const apply: Record<string, UnifiedValue> = {};
  const rejected: Resolution['rejected'] = [];
  for (const [field, value] of Object.entries(incoming.values)) {
    const existing = current[field] ?? null;
    if (value === null || value === undefined || value === existing) continue;
    const owner = rules.owners.get(field);
    if (owner && owner !== incoming.connectionId) {
      rejected.push({ field, value, reason: 'OWNED_ELSEWHERE' });
      continue;
    }
    if (rules.verified.has(field) && existing !== null) {
      rejected.push({ field, value, reason: 'VERIFIED' });
      continue;
    }
    const prev = provenance.get(field);
    if (existing !== null && prev && !owner && isOlder(incoming, prev)) {
      rejected.push({ field, value, reason: 'OLDER' });
      continue;
    }
    apply[field] = value;
  }
  return { apply, rejected };
}

function isOlder(incoming: IncomingChange, prev: Provenance): boolean {
  const a = incoming.changedAt.getTime();
  const b = prev.changedAt.getTime();
  if (a !== b) return a < b;
  // Same instant: the lower connection id wins, deterministically on every instance.
  return prev.connectionId !== null && prev.connectionId < incoming.connectionId;
}
