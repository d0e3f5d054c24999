/** API keys with broad roles, keys unused for 90 days, failed authentications, and credentials by expiry. */
import { authFailuresInDayBefore, connectionExpiries, liveApiKeysAt, type ReviewedKey } from '../store/ops/access-review.read-model';
import type { Queryable } from '../store/queryable';

export type { ReviewedKey } from '../store/ops/access-review.read-model';

export interface AccessReview {
  /** Live keys whose role can change configuration or data in bulk (ADMIN, OPERATOR). */
  apiKeysWithBroadRoles: number;
  broadKeys: ReviewedKey[];
  /** Live keys of any role neither used nor created in the last 90 days, longest idle first: revoke candidates. */
  unusedKeys: ReviewedKey[];
  /** From the persisted auth_failures log; null when this installation does not persist them. */
  failedAuthLast24h: number | null;
}

export interface TokenExpiry {
  connectionId: string;
  connectionName: string;
  /**
   * When the connection stops working unless someone acts: the earlier of the credentials' own
   * expiry (settings.credentialsExpireAt) and the refresh token's (as the CRM said), else the
   * access token's (which refreshes by itself).
   */
  expiresAt: Date | null;
  source: 'credentials' | 'refresh token' | 'access token' | 'unknown';
}

export const UNUSED_KEY_DAYS = 90;

export async function reviewAccess(db: Queryable, now: Date): Promise<AccessReview> {
  // Live at `now`: neither revoked nor expired (an expired key is refused like a revoked one).
  const keys = await liveApiKeysAt(db, now);
  const cutoff = now.getTime() - UNUSED_KEY_DAYS * 86_400_000;
  const broadKeys = keys.filter((k) => k.role === 'ADMIN' || k.role === 'OPERATOR').sort((a, b) => a.role.localeCompare(b.role) || a.createdAt.getTime() - b.createdAt.getTime());
  const failedAuthLast24h = await authFailuresInDayBefore(db, now);
  return {
    apiKeysWithBroadRoles: broadKeys.length,
    broadKeys,
    unusedKeys: keys.filter((k) => (k.lastUsedAt ?? k.createdAt).getTime() < cutoff),
    failedAuthLast24h,
  };
}

export async function tokensByExpiry(db: Queryable): Promise<TokenExpiry[]> {
  return (await connectionExpiries(db))
    .map((r): TokenExpiry => {
      const own = [
        { expiresAt: r.credentialsExpireAt, source: 'credentials' as const },
        { expiresAt: r.refreshTokenExpiresAt, source: 'refresh token' as const },
      ].filter((e): e is { expiresAt: Date; source: 'credentials' | 'refresh token' } => e.expiresAt !== null);
      const first = own.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())[0];
      const fallback = { expiresAt: r.tokenExpiresAt, source: r.tokenExpiresAt ? ('access token' as const) : ('unknown' as const) };
      return { connectionId: r.connectionId, connectionName: r.connectionName, ...(first ?? fallback) };
    })
    .sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity));
}
