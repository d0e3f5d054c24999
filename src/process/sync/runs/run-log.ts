/**
 * A run's step log as it executes: pages read and applied, retries the transport made, errors,
 * the stop and the end — what an operator follows through `syncRun(id).log`. Bounded to its
 * last LOG_ENTRIES entries, so a run of a million records keeps a log of the same size. Kept in
 * memory and written whole with the page's progress and with the run's end (one statement
 * each, run-progress.repository.ts), so a dry run, whose page writes are rolled back, still
 * ends with its log.
 */
import type { StoredRunLogEntry } from '../../stored';
import type { PageOutcome } from '../inbound/inbound';

export const LOG_ENTRIES = 200;

export class RunLog {
  private entries: StoredRunLogEntry[] = [];

  /** `retriesSeen`: the adapter's retries when the run began (an adapter outlives its runs). */
  constructor(private retriesSeen = 0) {}

  info(message: string): void {
    this.add('INFO', message);
  }

  warn(message: string): void {
    this.add('WARN', message);
  }

  error(message: string): void {
    this.add('ERROR', message);
  }

  /** The transport's retries so far (AdapterStats.retries): those made since the last note are logged. */
  noteRetries(retries: number | undefined): void {
    const made = (retries ?? 0) - this.retriesSeen;
    if (made <= 0) return;
    this.retriesSeen += made;
    this.warn(`${made} call${made === 1 ? '' : 's'} retried since the last step (rate limits, server errors or timeouts)`);
  }

  /** The entries to store, oldest first. */
  snapshot(): StoredRunLogEntry[] {
    return this.entries.slice();
  }

  private add(level: StoredRunLogEntry['level'], message: string): void {
    this.entries.push({ at: new Date().toISOString(), level, message });
    if (this.entries.length > LOG_ENTRIES) this.entries.shift();
  }
}

/** What one page did, in the log: its counts, and how far the object's read is (of the vendor's total, where it said). */
export function logPage(log: RunLog, remoteType: string, page: PageOutcome, readInObject: number, objectTotal: number | undefined): void {
  const of = objectTotal === undefined ? '' : ` of ${objectTotal}`;
  log.info(
    `${remoteType}: page of ${page.read} applied (${page.applied} changed, ${page.unchanged} unchanged, ${page.quarantined} quarantined, ${page.deleted} deleted); ${readInObject}${of} read`,
  );
}

/**
 * A run's progress (0 to 1) after a page: the objects read so far, plus the share of the
 * current object's vendor total read; where the vendor gave no total, what it was before.
 */
export function pageProgress(at: { index: number; of: number }, readInObject: number, objectTotal: number | undefined, before: number): number {
  if (!objectTotal) return before;
  return (at.index + Math.min(1, readInObject / objectTotal)) / (at.of + 1);
}
