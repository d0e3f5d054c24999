/** What the audit's access review reads: live API keys, persisted failed authentications, credential expiries. */
import type { Queryable } from '../queryable';

export interface ReviewedKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export interface ConnectionExpiries {
  connectionId: string;
  connectionName: string;
  /** The access token's expiry. */
  tokenExpiresAt: Date | null;
  /** The refresh token's expiry, as the CRM said it. */
  refreshTokenExpiresAt: Date | null;
  /** The credentials' own expiry (settings.credentialsExpireAt), when set to a date. */
  credentialsExpireAt: Date | null;
}

interface KeyRow {
  id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

/** Keys live at `now` (neither revoked nor expired), longest idle first. */
export async function liveApiKeysAt(db: Queryable, now: Date): Promise<ReviewedKey[]> {
  const live = (await db.query(
    `SELECT id, name, role, prefix, created_at, last_used_at, expires_at FROM api_keys
     WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1) ORDER BY coalesce(last_used_at, created_at), id`,
    [now],
  )) as KeyRow[];
  return live.map(toReviewedKey);
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

/** Failed authentications in the 24 hours up to `now`; null when this installation has no auth_failures table. */
export async function authFailuresInDayBefore(db: Queryable, now: Date): Promise<number | null> {
  const [table] = (await db.query(`SELECT to_regclass('auth_failures') IS NOT NULL AS present`)) as Array<{ present: boolean }>;
  if (!table?.present) return null;
  // A row may stand for several alike failures (their count).
  const [row] = (await db.query(`SELECT coalesce(sum(count), 0)::int AS n FROM auth_failures WHERE at > $1::timestamptz - interval '24 hours' AND at <= $1`, [now])) as Array<{ n: number }>;
  return row!.n;
}

/** Live connections by name, with both expiries. */
export async function connectionExpiries(db: Queryable): Promise<ConnectionExpiries[]> {
  const rows = (await db.query(
    `SELECT id, name, token_expires_at, refresh_token_expires_at,
       CASE WHEN jsonb_typeof(settings->'credentialsExpireAt') = 'string' AND settings->>'credentialsExpireAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            THEN (settings->>'credentialsExpireAt')::timestamptz END AS credentials_expire_at
     FROM connections WHERE deleted_at IS NULL ORDER BY name`,
  )) as Array<{ id: string; name: string; token_expires_at: Date | null; refresh_token_expires_at: Date | null; credentials_expire_at: Date | null }>;
  return rows.map((r) => ({
    connectionId: r.id,
    connectionName: r.name,
    tokenExpiresAt: r.token_expires_at,
    refreshTokenExpiresAt: r.refresh_token_expires_at,
    credentialsExpireAt: r.credentials_expire_at,
  }));
}
