/** API keys with broad roles, failed authentications, and credentials by expiry. */
import type { DataSource } from 'typeorm';

export interface AccessReview {
  /** Live keys whose role can change configuration or data in bulk (ADMIN, OPERATOR). */
  apiKeysWithBroadRoles: number;
  broadKeys: Array<{ name: string; role: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }>;
  /** Broad keys not used in 90 days: revoke candidates. */
  unusedBroadKeys: number;
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

const UNUSED_DAYS = 90;

export async function reviewAccess(db: DataSource, now: Date): Promise<AccessReview> {
  const broad = (await db.query(
    `SELECT name, role, prefix, created_at, last_used_at FROM api_keys WHERE revoked_at IS NULL AND role IN ('ADMIN','OPERATOR') ORDER BY role, created_at`,
  )) as Array<{ name: string; role: string; prefix: string; created_at: Date; last_used_at: Date | null }>;
  const cutoff = now.getTime() - UNUSED_DAYS * 86_400_000;
  let failedAuthLast24h: number | null = null;
  const [table] = (await db.query(`SELECT to_regclass('auth_failures') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
  if (table?.present) {
    const [row] = (await db.query(`SELECT count(*)::int AS n FROM auth_failures WHERE at > $1::timestamptz - interval '24 hours' AND at <= $1`, [now])) as Array<{ n: number }>;
    failedAuthLast24h = row!.n;
  }
  return {
    apiKeysWithBroadRoles: broad.length,
    broadKeys: broad.map((k) => ({ name: k.name, role: k.role, prefix: k.prefix, createdAt: k.created_at, lastUsedAt: k.last_used_at })),
    unusedBroadKeys: broad.filter((k) => (k.last_used_at ?? k.created_at).getTime() < cutoff).length,
    failedAuthLast24h,
  };
}

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
