/**
 * A dry run's plan (sync-engine.ts): one entry per record read, with what the real run would
 * do to it. Read back as a whole, as its changes only, or as counts per operation.
 */
import type { PlannedChange } from '../../store/entities';

/** What a real run would do with a record: store it, leave it (nothing changed), quarantine it, mark it deleted. */
export const PLANNED_OPERATIONS = ['APPLY', 'NONE', 'QUARANTINE', 'SOFT_DELETE'] as const;
export type PlannedOperation = (typeof PLANNED_OPERATIONS)[number];

/** The entries that would change something (every operation but NONE). */
export const changesOnly = (plan: readonly PlannedChange[]): PlannedChange[] => plan.filter((c) => c.operation !== 'NONE');

/** Records per operation, every operation listed (0 when none), in PLANNED_OPERATIONS order. */
export function plannedCounts(plan: readonly PlannedChange[]): Array<{ operation: string; count: number }> {
  const counts = new Map<string, number>(PLANNED_OPERATIONS.map((op) => [op, 0]));
  for (const c of plan) counts.set(c.operation, (counts.get(c.operation) ?? 0) + 1);
  return [...counts.entries()].map(([operation, count]) => ({ operation, count }));
}
