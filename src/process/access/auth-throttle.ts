/**
 * Bounds what one source address can make Junction do with failed authentications: after
 * `maxFailures` of them (bad keys, keyless requests for protected fields) within `windowMs`,
 * the address is answered 429 for anything but a valid key until its oldest counted failure
 * leaves the window (the authenticator checks a presented key first). Per instance and in
 * memory — a flood spread over many instances still meets this limit on each, and a restart
 * forgets nothing worth keeping.
 */
export interface AuthThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = { maxFailures: 10, windowMs: 5 * 60_000 };
/** Bounds memory when failures come from very many addresses. */
const MAX_ADDRESSES = 50_000;

export class AuthThrottle {
  private failures = new Map<string, number[]>();

  constructor(
    private options: AuthThrottleOptions = DEFAULT_AUTH_THROTTLE,
    private now: () => number = Date.now,
  ) {}

  /** Seconds the address must wait, or 0 when it may try. */
  retryAfterSeconds(address: string | undefined): number {
    if (!address) return 0;
    const times = this.live(address);
    if (times.length < this.options.maxFailures) return 0;
    const oldest = times[times.length - this.options.maxFailures]!;
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - this.now()) / 1000));
  }

  noteFailure(address: string | undefined): void {
    if (!address) return;
    const times = this.live(address);
    times.push(this.now());
    // Only the newest maxFailures matter for the decision.
    if (times.length > this.options.maxFailures) times.splice(0, times.length - this.options.maxFailures);
    this.failures.delete(address);
    this.failures.set(address, times);
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }

  private live(address: string): number[] {
    const cutoff = this.now() - this.options.windowMs;
    const times = (this.failures.get(address) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(address);
    return times;
  }
}
