/**
 * Failed authentications (SPEC §4: every failure is counted and logged). Every one is counted
 * in memory (the total, dashboard, tests); what is written and reported is aggregated: the
 * first failure of a kind (reason, transport, source address, key prefix) is persisted and
 * reported at once, and its repeats within the aggregation interval become one row with
 * their count and one report line when the interval ends. A flood of keyless or throttled
 * requests thus writes a few rows and log lines a minute, not one per request. Never holds
 * key material: at most the visible prefix.
 */
export type AuthFailureReason = 'MISSING' | 'MALFORMED' | 'UNKNOWN_KEY' | 'FORBIDDEN_ROLE' | 'THROTTLED';

export interface AuthFailure {
  at: number;
  reason: AuthFailureReason;
  transport: 'http' | 'ws';
  /** The presented key's visible prefix (`jk_` + 5), when one was presented. */
  keyPrefix?: string;
  sourceAddress?: string;
  /** Alike failures this one stands for: 1, or the repeats an aggregate sums up. */
  count?: number;
}

/** Where failures are persisted (AuthFailureStore); writes must never fail a request. */
export interface AuthFailureSink {
  save(failure: AuthFailure): Promise<void>;
}

/** One line for the log: a first failure (`repeated: false`, count 1) or the repeats after it. */
export type AuthFailureReport = AuthFailure & { count: number; repeated: boolean; total: number };

export interface AuthFailureCounterOptions {
  now?: () => number;
  sink?: AuthFailureSink;
  /** Called with each first failure and each aggregate of repeats (the server logs them). */
  report?: (line: AuthFailureReport) => void;
  /** How long repeats of one kind are summed before they are written. @default 60_000 */
  aggregateMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bounds memory under a flood of bad keys; the total keeps counting past it. */
const MAX_KEPT = 10_000;
/** Bounds the kinds summed at once (each source address is one); past it repeats are written as they come. */
const MAX_AGGREGATES = 10_000;
export const DEFAULT_AGGREGATE_MS = 60_000;

interface Aggregate {
  first: AuthFailure;
  repeats: number;
  lastAt: number;
}

export class AuthFailureCounter {
  private recent: AuthFailure[] = [];
  private totalCount = 0;
  private pending = new Set<Promise<void>>();
  private aggregates = new Map<string, Aggregate>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly aggregateMs: number;

  constructor(private options: AuthFailureCounterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.aggregateMs = options.aggregateMs ?? DEFAULT_AGGREGATE_MS;
  }

  record(reason: AuthFailureReason, transport: AuthFailure['transport'], details: Pick<AuthFailure, 'keyPrefix' | 'sourceAddress'> = {}): AuthFailure {
    this.totalCount++;
    const failure: AuthFailure = { at: this.now(), reason, transport, ...details };
    this.recent.push(failure);
    if (this.recent.length > MAX_KEPT) this.recent.splice(0, this.recent.length - MAX_KEPT);
    const kind = `${reason}|${transport}|${details.sourceAddress ?? ''}|${details.keyPrefix ?? ''}`;
    const aggregate = this.aggregates.get(kind);
    if (aggregate) {
      aggregate.repeats++;
      aggregate.lastAt = failure.at;
      return failure;
    }
    if (this.aggregates.size < MAX_AGGREGATES) {
      this.aggregates.set(kind, { first: failure, repeats: 0, lastAt: failure.at });
      this.timer ??= setTimeout(() => this.writeAggregates(), this.aggregateMs).unref();
    }
    this.emit({ ...failure, count: 1 }, false);
    return failure;
  }

  get total(): number {
    return this.totalCount;
  }

  /** Failures within the window (default, and at most, the last 24 hours). */
  since(windowMs: number = DAY_MS): AuthFailure[] {
    const now = this.now();
    this.recent = this.recent.filter((f) => f.at >= now - DAY_MS);
    return this.recent.filter((f) => f.at >= now - windowMs);
  }

  /** Writes the repeats summed so far (stopping the timer) and resolves when every write has finished (tests, shutdown). */
  async flush(): Promise<void> {
    this.writeAggregates();
    await Promise.all([...this.pending]);
  }

  private writeAggregates(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ended = [...this.aggregates.values()];
    this.aggregates.clear();
    for (const a of ended) if (a.repeats > 0) this.emit({ ...a.first, at: a.lastAt, count: a.repeats }, true);
  }

  private emit(failure: AuthFailure & { count: number }, repeated: boolean): void {
    this.options.report?.({ ...failure, repeated, total: this.totalCount });
    if (!this.options.sink) return;
    const write = this.options.sink.save(failure).catch(() => undefined);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }
}
