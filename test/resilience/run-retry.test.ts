import { describe, expect, it } from 'vitest';
import { errorClassOf, runFate, type StoppedRun } from '../../src/process/jobs/run-retry';

const settings = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1500 };
const run = (over: Partial<StoppedRun>): StoppedRun => ({ status: 'FAILED', error: 'SERVER: GET /x answered 503', attempt: 1, dryRun: false, ...over });

describe('runFate (run-level retries and dead letters)', () => {
  it.each<[string, Partial<StoppedRun>, string, number?]>([
    ['a succeeded run is done', { status: 'SUCCEEDED', error: null }, 'DONE'],
    ['a transient failure is retried after the base delay', {}, 'RETRY', 1000],
    ['the second attempt waits twice as long, capped', { attempt: 2 }, 'RETRY', 1500],
    ['the last attempt becomes a dead letter', { attempt: 3 }, 'DEAD_LETTER'],
    ['a PARTIAL run stopped by a 429 is retried', { status: 'PARTIAL', error: 'RATE_LIMIT: 429 TEN_SECONDLY_ROLLING' }, 'RETRY', 1000],
    ['a spent quota waits for its reset instead', { status: 'PARTIAL', error: 'RATE_LIMIT: QUOTA_EXHAUSTED daily' }, 'DONE'],
    ['an open circuit waits for its probe instead', { error: 'SERVER: GET /x: circuit open after repeated vendor failures' }, 'DONE'],
    ['refused credentials need a person', { error: 'AUTHENTICATION: invalid_grant' }, 'DONE'],
    ['validation errors are not retried', { error: 'VALIDATION: MALFORMED_QUERY' }, 'DONE'],
    ['an interrupted run (dead worker) is retried', { status: 'INTERRUPTED', error: 'the worker running it stopped (no heartbeat)' }, 'RETRY', 1000],
    ['a cancelled run is not resumed (an operator stopped it)', { status: 'CANCELLED', error: 'cancelled by an operator; what its pages committed stays, and the next run goes on from there' }, 'DONE'],
    ['dry runs are never retried', { dryRun: true }, 'DONE'],
  ])('%s', (_name, over, kind, delayMs) => {
    const fate = runFate(run(over), settings);
    expect(fate.kind).toBe(kind);
    if (fate.kind === 'RETRY') expect(fate.delayMs).toBe(delayMs);
  });

  it('reads the class from the engine’s `CLASS: message` form', () => {
    expect(errorClassOf('TIMEOUT: GET /x timed out')).toBe('TIMEOUT');
    expect(errorClassOf('no class here')).toBe('UNKNOWN');
    expect(errorClassOf(null)).toBe('UNKNOWN');
  });
});
