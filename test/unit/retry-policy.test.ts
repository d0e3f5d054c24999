import { describe, expect, it } from 'vitest';
import { decideRetry, parseRetryAfter, DEFAULT_RETRY } from '../../src/system/transport/retry-policy';
import type { ErrorClass } from '../../src/system';

const noJitter = () => 0;

describe('decideRetry', () => {
  it.each<[ErrorClass, boolean]>([
    ['TIMEOUT', true],
    ['NETWORK', true],
    ['SERVER', true],
    ['RATE_LIMIT', true],
    ['VALIDATION', false],
    ['PERMISSION', false],
    ['AUTHENTICATION', false],
    ['NOT_FOUND', false],
    ['CONFLICT', false],
    ['DATA_FORMAT', false],
    ['UNKNOWN', false],
  ])('%s is retried: %s', (errorClass, retry) => {
    expect(decideRetry({ errorClass, code: 'X' }, 1, DEFAULT_RETRY, noJitter).retry).toBe(retry);
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
  ])('attempt %i waits %i ms before jitter', (attempt, wait) => {
    expect(decideRetry({ errorClass: 'SERVER', code: '503' }, attempt, DEFAULT_RETRY, noJitter).waitMs).toBe(wait);
  });

  it('gives up after three retries', () => {
    expect(decideRetry({ errorClass: 'SERVER', code: '503' }, 4, DEFAULT_RETRY, noJitter)).toMatchObject({ retry: false });
  });

  it('caps the backoff at 8 s', () => {
    expect(decideRetry({ errorClass: 'SERVER', code: '503' }, 5, { ...DEFAULT_RETRY, maxRetries: 9 }, noJitter).waitMs).toBe(8000);
  });

  it('adds at most 20 % jitter', () => {
    expect(decideRetry({ errorClass: 'SERVER', code: '503' }, 1, DEFAULT_RETRY, () => 0.999).waitMs).toBeLessThanOrEqual(1200);
  });

  it('honours a longer Retry-After', () => {
    expect(decideRetry({ errorClass: 'RATE_LIMIT', code: '429', retryAfterMs: 5000 }, 1, DEFAULT_RETRY, noJitter).waitMs).toBe(5000);
  });

  it('never retries an exhausted daily quota', () => {
    expect(decideRetry({ errorClass: 'RATE_LIMIT', code: 'REQUEST_LIMIT_EXCEEDED', quotaExhausted: true }, 1)).toMatchObject({ retry: false, reason: 'daily quota exhausted' });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now())).toBeGreaterThan(8000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
