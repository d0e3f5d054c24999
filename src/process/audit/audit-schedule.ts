/**
 * When an audit runs on its own: a cron expression in UTC (JUNCTION_AUDIT_SCHEDULE), quarterly
 * by default. The latest slot at or before now is due while it is less than a day old, so an
 * instance that was down when the slot passed still runs it that day, and a new installation
 * does not start with an audit for a quarter long gone (nor for a slot that passed before its
 * first connection was set up: audit-worker.ts). Each slot is queued once however many
 * instances notice it (audit_reports.scheduled_for is unique).
 */
import { parseExpression } from 'cron-parser';

/** 03:00 UTC on the first day of each quarter. */
export const QUARTERLY = '0 3 1 1,4,7,10 *';
export const SLOT_GRACE_MS = 24 * 3600_000;

/** The reason a schedule is not one, or null when cron-parser reads it. */
export function scheduleProblem(cron: string): string | null {
  if (cron.trim().split(/\s+/).length !== 5) return 'needs five fields: minute hour day-of-month month day-of-week (UTC)';
  try {
    parseExpression(cron, { tz: 'UTC' });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The slot to queue now, if one is due. */
export function dueSlot(cron: string, now: Date, graceMs = SLOT_GRACE_MS): Date | null {
  // cron-parser's prev() is strictly before currentDate: a slot at exactly `now` is due too.
  const slot = parseExpression(cron, { tz: 'UTC', currentDate: new Date(now.getTime() + 1) }).prev().toDate();
  return now.getTime() - slot.getTime() < graceMs ? slot : null;
}
