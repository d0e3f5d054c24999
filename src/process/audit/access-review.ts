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
  /** The credentials' own expiry when set (settings.credentialsExpireAt), else the access token's. */
  expiresAt: Date | null;
  source: 'credentials' | 'access token' | 'unknown';
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
    .map((r): TokenExpiry => ({
      connectionId: r.connectionId,
      connectionName: r.connectionName,
      expiresAt: r.credentialsExpireAt ?? r.tokenExpiresAt,
      source: r.credentialsExpireAt ? 'credentials' : r.tokenExpiresAt ? 'access token' : 'unknown',
    }))
    .sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity));
}
