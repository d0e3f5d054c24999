import { randomBytes } from 'node:crypto';

/**
 * Issued access tokens with expiry; `expireAll` models the admin API's `expireTokens`, and
 * `refreshRevoked` its `revokeRefreshTokens` (each vendor's token route answers its own refusal).
 */
export class TokenRegistry {
  private tokens = new Map<string, { issuedAt: number; expiresAt: number }>();
  /** While true, every refresh-token grant is refused as a revoked grant. */
  refreshRevoked = false;
  constructor(private ttlMs: number) {}

  issue(now: number, ttlMs = this.ttlMs): { token: string; expiresAt: number } {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = now + ttlMs;
    this.tokens.set(token, { issuedAt: now, expiresAt });
    return { token, expiresAt };
  }

  isValid(token: string | undefined, now: number): boolean {
    if (!token) return false;
    const exp = this.tokens.get(token)?.expiresAt;
    return exp !== undefined && exp > now;
  }

  /** When a live token was issued and expires (introspection endpoints answer with them); undefined for an unknown or expired one. */
  lifetimeOf(token: string, now: number): { issuedAt: number; expiresAt: number } | undefined {
    const life = this.tokens.get(token);
    return life && life.expiresAt > now ? { ...life } : undefined;
  }

  setTtl(ttlMs: number): void {
    this.ttlMs = ttlMs;
  }

  get ttl(): number {
    return this.ttlMs;
  }

  expireAll(): void {
    this.tokens.clear();
  }
}

/** Extracts the bearer token from an Authorization header. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1];
}
