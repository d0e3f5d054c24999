/** Request accounting for `/_emulator/stats`, including requests made during a back-off window. */
export interface EmulatorStatsSnapshot {
  requests: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  overLimit: number;
}

export class EmulatorStats {
  private requests = 0;
  private byStatus: Record<string, number> = {};
  private rateLimited = 0;
  private overLimit = 0;
  /** Epoch ms until which a well-behaved client should not call (the last Retry-After). */
  private backoffUntil = 0;

  /** Counts an arriving vendor request; returns true when it arrived inside a back-off window. */
  arrive(now: number): boolean {
    this.requests++;
    if (now < this.backoffUntil) {
      this.overLimit++;
      return true;
    }
    return false;
  }

  answered(status: number, now: number, retryAfterSeconds?: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (status === 429) {
      this.rateLimited++;
      // Clients may round and jitter; a 50 ms grace keeps timer skew from counting as abuse.
      if (retryAfterSeconds !== undefined) this.backoffUntil = Math.max(this.backoffUntil, now + retryAfterSeconds * 1000 - 50);
    }
  }

  snapshot(): EmulatorStatsSnapshot {
    return { requests: this.requests, byStatus: { ...this.byStatus }, rateLimited: this.rateLimited, overLimit: this.overLimit };
  }

  reset(): void {
    this.requests = 0;
    this.byStatus = {};
    this.rateLimited = 0;
    this.overLimit = 0;
    this.backoffUntil = 0;
  }
}
