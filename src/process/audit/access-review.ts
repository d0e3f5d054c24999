/** API keys with broad roles, keys unused for 90 days, failed authentications, and credentials by expiry. */
import type { DataSource } from 'typeorm';

export interface ReviewedKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

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

interface KeyRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

export async function reviewAccess(db: DataSource, now: Date): Promise<AccessReview> {
  // Live at `now`: neither revoked nor expired (an expired key is refused like a revoked one).
  const live = (await db.query(
    `SELECT id, name, role, prefix, created_at, last_used_at, expires_at FROM api_keys
     WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) ORDER BY coalesce(last_used_at, created_at), id`,
    [now],
  )) as KeyRow[];
  const keys = live.map(toReviewedKey);
  const cutoff = now.getTime() - UNUSED_KEY_DAYS * 86_400_000;
  const broadKeys = keys.filter((k) => k.role === 'ADMIN' || k.role === 'OPERATOR').sort((a, b) => a.role.localeCompare(b.role) || a.createdAt.getTime() - b.createdAt.getTime());
  let failedAuthLast24h: number | null = null;
  const [table] = (await db.query(`SELECT to_regclass('auth_failures') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
  if (table?.present) {
    // A row may stand for several alike failures (their count).
    const [row] = (await db.query(`SELECT coalesce(sum(count), 0)::int AS n FROM auth_failures WHERE at > $1::timestamptz - interval '24 hours' AND at <= $1`, [now])) as Array<{ n: number }>;
    failedAuthLast24h = row!.n;
  }
  return {
    apiKeysWithBroadRoles: broadKeys.length,
    broadKeys,
    unusedKeys: keys.filter((k) => (k.lastUsedAt ?? k.createdAt).getTime() < cutoff),
    failedAuthLast24h,
  };
}

const toReviewedKey = (k: KeyRow): ReviewedKey => ({
  id: k.id,
  name: k.name,
  role: k.role,
  prefix: k.prefix,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  expiresAt: k.expires_at,
});

export async function tokensByExpiry(db: DataSource): Promise<TokenExpiry[]> {
  const rows = (await db.query(
    `SELECT id, name, token_expires_at,
       CASE WHEN jsonb_typeof(settings->'credentialsExpireAt') = 'string' AND settings->>'credentialsExpireAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            THEN (settings->>'credentialsExpireAt')::timestamptz END AS credentials_expire_at
     FROM connections WHERE deleted_at IS NULL ORDER BY name`,
  )) as Array<{ id: string; name: string; token_expires_at: Date | null; credentials_expire_at: Date | null }>;
  return rows
    .map((r): TokenExpiry => ({
      connectionId: r.id,
      connectionName: r.name,
      expiresAt: r.credentials_expire_at ?? r.token_expires_at,
      source: r.credentials_expire_at ? 'credentials' : r.token_expires_at ? 'access token' : 'unknown',
    }))
    .sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity));
}
