/**
 * When a running run should finish, from its rate so far: the records the vendor said its
 * reads hold (`recordsTotal`) less those read, at the pace it read them since it started.
 * Unknown (null) until the vendor gave a total and a record was read, and for a run that
 * is not running.
 */
import type { StoredSyncRun } from '../../stored';

export function etaSeconds(run: Pick<StoredSyncRun, 'status' | 'startedAt' | 'recordsRead' | 'recordsTotal'>, now = new Date()): number | null {
  if (run.status !== 'RUNNING' || run.recordsTotal === null || !run.startedAt || run.recordsRead <= 0) return null;
  const elapsed = (now.getTime() - new Date(run.startedAt).getTime()) / 1000;
  const left = Math.max(0, run.recordsTotal - run.recordsRead);
  return Math.round((left * Math.max(0, elapsed)) / run.recordsRead);
}
