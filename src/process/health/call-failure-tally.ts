/**
 * Counts failed CRM calls in memory and writes the counts now and then (issue 17 item 7).
 * Each adapter tells its ConnectionService of every failed attempt once the call ends
 * (system-api.ts CallFailure); a sync run's calls are told apart from others by the run
 * scope the engine opens around its work, so the counts are kept per run as well.
 *
 * Writing per call would add a statement to every 429: the tally is written set-based a
 * second after the first failure it holds (or at once when a run ends or the service closes).
 * A write that fails puts its counts back for the next one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallFailure } from '../../system';
import { addCallFailures, type CallFailureTallyRow } from '../store/ops/call-failure.repository';
import type { Queryable } from '../store/queryable';

const FLUSH_AFTER_MS = 1_000;
const MINUTE_MS = 60_000;

/** The sync run whose work is going on in this async context, if any. */
const runScope = new AsyncLocalStorage<string>();

/** Runs `work` as the run's: calls it makes count towards that run. */
export function withinRun<T>(runId: string, work: () => Promise<T>): Promise<T> {
  return runScope.run(runId, work);
}

export class CallFailureTally {
  private pending = new Map<string, CallFailureTallyRow>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private db: Queryable,
    private now: () => number = Date.now,
  ) {}

  /** The observer one connection's adapter reports to. */
  observerFor(connectionId: string): (failure: CallFailure) => void {
    return (failure) => this.add(connectionId, failure);
  }

  add(connectionId: string, failure: CallFailure): void {
    const bucketAt = new Date(Math.floor(this.now() / MINUTE_MS) * MINUTE_MS);
    this.hold({ bucketAt, connectionId, errorClass: failure.errorClass, recovered: failure.recovered, runId: runScope.getStore() ?? null, calls: 1 });
  }

  /** Writes every count held so far; resolves when they (and any earlier write) are stored or put back. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = [...this.pending.values()];
    this.pending.clear();
    this.writing = this.writing.then(() => this.write(rows));
    return this.writing;
  }

  /** Writes what is held and schedules no more writes (the service is closing). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private hold(r: CallFailureTallyRow): void {
    const key = `${r.bucketAt.getTime()}|${r.connectionId}|${r.errorClass}|${r.recovered}|${r.runId ?? ''}`;
    const held = this.pending.get(key);
    if (held) held.calls += r.calls;
    else this.pending.set(key, { ...r });
    if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  private async write(rows: CallFailureTallyRow[]): Promise<void> {
    try {
      await addCallFailures(this.db, rows);
    } catch {
      // The store is away: the counts wait for the next write rather than being lost.
      for (const r of rows) this.hold(r);
    }
  }
}
