/**
 * Who may do what (SPEC §4). VIEWER < OPERATOR < ADMIN form a ladder: a field open to a
 * rung is open to every rung above. PARTNER stands beside the ladder: it gets exactly the
 * fields that name it (contacts and companies reads, and later upsertContacts). ADMIN gets
 * everything.
 */
import type { Role } from '../../process';

const LADDER: Partial<Record<Role, number>> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** Roles named by `@Authorized(...)`; none named means any authenticated key. */
export function isAllowed(role: Role, required: readonly Role[]): boolean {
  if (required.length === 0 || role === 'ADMIN') return true;
  if (required.includes(role)) return true;
  const rank = LADDER[role];
  if (rank === undefined) return false; // PARTNER: only where named
  return required.some((r) => LADDER[r] !== undefined && rank >= LADDER[r]!);
}

/** `@Authorized(...)` arguments, named for what they open. */
export const CAN = {
  /** Contacts and companies: the partner-facing reads. */
  readRecords: ['VIEWER', 'PARTNER'] as Role[],
  /** Everything else that reads: connections, sync runs, subscriptions. */
  read: ['VIEWER'] as Role[],
  operate: ['OPERATOR'] as Role[],
  administer: ['ADMIN'] as Role[],
};
