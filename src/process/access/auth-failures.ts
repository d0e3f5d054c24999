/**
 * Failed authentications (SPEC §4: every failure is counted and logged). Counted in memory
 * for cheap reads (dashboard, tests) and, when a store is given, persisted per key prefix
 * and source address so the audit's last-24-hours figure covers every instance and
 * survives restarts. Never holds key material: at most the visible prefix.
 */
export type AuthFailureReason = 'MISSING' | 'MALFORMED' | 'UNKNOWN_KEY' | 'FORBIDDEN_ROLE' | 'THROTTLED';

export interface AuthFailure {
  at: number;
  reason: AuthFailureReason;
  transport: 'http' | 'ws';
  /** The presented key's visible prefix (`jk_` + 5), when one was presented. */
  keyPrefix?: string;
  sourceAddress?: string;
}

/** Where failures are persisted (AuthFailureStore); writes must never fail a request. */
export interface AuthFailureSink {
  save(failure: AuthFailure): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bounds memory under a flood of bad keys; the total keeps counting past it. */
const MAX_KEPT = 10_000;

export class AuthFailureCounter {
  private recent: AuthFailure[] = [];
  private totalCount = 0;
  private pending = new Set<Promise<void>>();

  constructor(
    private now: () => number = Date.now,
    private sink?: AuthFailureSink,
  ) {}

  record(reason: AuthFailureReason, transport: AuthFailure['transport'], details: Pick<AuthFailure, 'keyPrefix' | 'sourceAddress'> = {}): AuthFailure {
    this.totalCount++;
    const failure: AuthFailure = { at: this.now(), reason, transport, ...details };
    this.recent.push(failure);
    if (this.recent.length > MAX_KEPT) this.recent.splice(0, this.recent.length - MAX_KEPT);
    // Throttled attempts are counted but not written: a flood must not become a flood of INSERTs.
    if (this.sink && reason !== 'THROTTLED') {
      const write = this.sink.save(failure).catch(() => undefined);
      this.pending.add(write);
      void write.finally(() => this.pending.delete(write));
    }
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

  /** Resolves when every write started so far has finished (tests, shutdown). */
  async flushed(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
