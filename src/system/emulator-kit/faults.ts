/** Fault injection and quota state shared by every emulator (SPEC §2, admin API). */
export interface FaultSettings {
  /** Probability per request of a 429 with Retry-After and the vendor's limit body. */
  rate429: number;
  /** Probability per request of a 503. */
  rate5xx: number;
  /** Probability per request that the emulator never answers (the client must time out). */
  timeoutRate: number;
  /** Added to every vendor request. */
  latencyMs: number;
  /** Seconds sent in Retry-After with injected or enforced 429s. */
  retryAfterSeconds: number;
  /** Daily API quota left; null means unlimited. */
  quotaRemaining: number | null;
  /** A hard rate limit: at most `requests` per `windowMs`, 429 past it. */
  rateLimit: { requests: number; windowMs: number } | null;
  /** Every refresh-token grant answers the vendor's refusal (a revoked grant), until the faults are cleared. */
  revokeRefreshTokens: boolean;
}

export const NO_FAULTS: FaultSettings = {
  rate429: 0,
  rate5xx: 0,
  timeoutRate: 0,
  latencyMs: 0,
  retryAfterSeconds: 1,
  quotaRemaining: null,
  rateLimit: null,
  revokeRefreshTokens: false,
};

const RATE_KEYS = ['rate429', 'rate5xx', 'timeoutRate'] as const;

/** Parses a faults request body, listing every bad key instead of the first. */
export function parseFaults(body: unknown, current: FaultSettings): { faults: FaultSettings; expireTokens: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('faults body must be a JSON object');
  const input = body as Record<string, unknown>;
  const problems: string[] = [];
  const next: FaultSettings = { ...current };
  for (const key of RATE_KEYS) {
    if (input[key] === undefined) continue;
    const v = input[key];
    if (typeof v !== 'number' || v < 0 || v > 1) problems.push(`${key} must be a probability between 0 and 1`);
    else next[key] = v;
  }
  for (const key of ['latencyMs', 'retryAfterSeconds'] as const) {
    if (input[key] === undefined) continue;
    const v = input[key];
    if (typeof v !== 'number' || v < 0) problems.push(`${key} must be a non-negative number`);
    else next[key] = v;
  }
  if (input.quotaRemaining !== undefined) {
    const v = input.quotaRemaining;
    if (v !== null && (typeof v !== 'number' || v < 0)) problems.push('quotaRemaining must be a non-negative number or null');
    else next.quotaRemaining = v as number | null;
  }
  if (input.rateLimit !== undefined) {
    const v = input.rateLimit as { requests?: unknown; windowMs?: unknown } | null;
    if (v === null) next.rateLimit = null;
    else if (typeof v?.requests !== 'number' || typeof v?.windowMs !== 'number' || v.requests < 1 || v.windowMs < 1)
      problems.push('rateLimit must be { requests: n ≥ 1, windowMs: n ≥ 1 } or null');
    else next.rateLimit = { requests: v.requests, windowMs: v.windowMs };
  }
  if (input.revokeRefreshTokens !== undefined) {
    if (typeof input.revokeRefreshTokens !== 'boolean') problems.push('revokeRefreshTokens must be a boolean');
    else next.revokeRefreshTokens = input.revokeRefreshTokens;
  }
  if (input.expireTokens !== undefined && typeof input.expireTokens !== 'boolean') problems.push('expireTokens must be a boolean');
  if (problems.length) throw new Error(problems.join('; '));
  return { faults: next, expireTokens: input.expireTokens === true };
}
