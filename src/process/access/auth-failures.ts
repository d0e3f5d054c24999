/**
 * Failed authentications, counted in memory (SPEC §4: every failure is counted and logged).
 * Per instance and lost on restart — enough for the dashboard and the audit's last-24-hours
 * figure until they are persisted. Never holds key material.
 */
export type AuthFailureReason = 'MISSING' | 'MALFORMED' | 'UNKNOWN_KEY' | 'FORBIDDEN_ROLE';

export interface AuthFailure {
  at: number;
  reason: AuthFailureReason;
  transport: 'http' | 'ws';
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bounds memory under a flood of bad keys; the total keeps counting past it. */
const MAX_KEPT = 10_000;

export class AuthFailureCounter {
  private recent: AuthFailure[] = [];
  private totalCount = 0;

  constructor(private now: () => number = Date.now) {}

  record(reason: AuthFailureReason, transport: AuthFailure['transport']): void {
    this.totalCount++;
    this.recent.push({ at: this.now(), reason, transport });
    if (this.recent.length > MAX_KEPT) this.recent.splice(0, this.recent.length - MAX_KEPT);
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
}
