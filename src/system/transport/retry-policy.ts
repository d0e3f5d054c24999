/**
 * The retry decision as one pure function (SPEC §2): at most 3 retries after the first
 * attempt, exponential backoff 1 s, 2 s, 4 s (cap 8 s) with jitter, only for transient
 * classes; a vendor's Retry-After always wins when it is longer.
 */
import type { ErrorClass } from '../errors';

export interface RetrySettings {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Fraction of the delay added at random, so many clients don't retry in lock-step. */
  jitter: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 8000, jitter: 0.2 };

export interface RetryDecision {
  retry: boolean;
  reason: string;
  waitMs: number;
}

const TRANSIENT: ReadonlySet<ErrorClass> = new Set(['TIMEOUT', 'NETWORK', 'SERVER', 'RATE_LIMIT']);

export interface FailureFacts {
  errorClass: ErrorClass;
  /** Vendor code, e.g. `REQUEST_LIMIT_EXCEEDED` or HubSpot's `DAILY` policy. */
  code: string;
  retryAfterMs?: number;
  /** True when the vendor says the daily quota is spent: waiting seconds will not help. */
  quotaExhausted?: boolean;
}

/** `attempt` counts attempts already made (1 after the first failure). */
export function decideRetry(failure: FailureFacts, attempt: number, settings: RetrySettings = DEFAULT_RETRY, random = Math.random): RetryDecision {
  if (failure.quotaExhausted) return { retry: false, reason: 'daily quota exhausted', waitMs: 0 };
  if (!TRANSIENT.has(failure.errorClass)) return { retry: false, reason: `${failure.errorClass} is not transient`, waitMs: 0 };
  if (attempt > settings.maxRetries) return { retry: false, reason: `gave up after ${settings.maxRetries} retries`, waitMs: 0 };
  const backoff = Math.min(settings.baseDelayMs * 2 ** (attempt - 1), settings.maxDelayMs);
  const jittered = backoff + backoff * settings.jitter * random();
  const waitMs = Math.max(jittered, failure.retryAfterMs ?? 0);
  return { retry: true, reason: `${failure.errorClass} ${failure.code}`, waitMs: Math.round(waitMs) };
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
