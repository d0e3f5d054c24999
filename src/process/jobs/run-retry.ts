/**
 * What happens to a sync run that stopped: queued again as the next attempt after a back-off
 * (the checkpointed cursors make it continue where it stopped), or — after the last attempt —
 * a dead letter recorded in the error log. Pure, so the policy is tested as a table; the
 * worker carries it out through pg-boss (the next attempt's job starts after the delay, a
 * dead letter is the job failed into the dead-letter queue).
 */
import type { ErrorClass } from '../../system';

export interface RunRetrySettings {
  /** Attempts per run, the first included; 1 turns run retries off. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RUN_RETRY: RunRetrySettings = { maxAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 };

/** Classes a later attempt can get past; anything else needs a person (or a pause ends it). */
const TRANSIENT: ReadonlySet<string> = new Set<ErrorClass>(['TIMEOUT', 'NETWORK', 'SERVER', 'RATE_LIMIT']);

export interface StoppedRun {
  status: string;
  /** `CLASS: message`, as the engine records it. */
  error: string | null;
  attempt: number;
  dryRun: boolean;
}

export type RunFate = { kind: 'DONE' } | { kind: 'RETRY'; delayMs: number } | { kind: 'DEAD_LETTER'; errorClass: ErrorClass; reason: string };

export function errorClassOf(error: string | null): ErrorClass {
  const prefix = /^([A-Z_]+):/.exec(error ?? '')?.[1];
  return (prefix ?? 'UNKNOWN') as ErrorClass;
}

export function runFate(run: StoppedRun, settings: RunRetrySettings = DEFAULT_RUN_RETRY): RunFate {
  if (run.dryRun || !run.error || (run.status !== 'FAILED' && run.status !== 'PARTIAL' && run.status !== 'INTERRUPTED')) return { kind: 'DONE' };
  const errorClass = errorClassOf(run.error);
  // A spent quota pauses the connection until its reset; an open circuit waits for its probe time.
  if (/QUOTA_EXHAUSTED|quota exhausted|circuit open/i.test(run.error)) return { kind: 'DONE' };
  // A worker that died is not the vendor's fault: its run is always worth another attempt.
  if (run.status !== 'INTERRUPTED' && !TRANSIENT.has(errorClass)) return { kind: 'DONE' };
  if (run.attempt >= settings.maxAttempts) return { kind: 'DEAD_LETTER', errorClass, reason: `gave up after ${run.attempt} attempts: ${run.error}` };
  return { kind: 'RETRY', delayMs: Math.min(settings.baseDelayMs * 2 ** (run.attempt - 1), settings.maxDelayMs) };
}
