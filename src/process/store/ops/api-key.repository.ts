/**
 * API keys as stored (table api_keys): only the key's hash and its visible prefix, never the
 * key. Liveness (not revoked, not expired) is decided here, in SQL, against the database clock.
 */
import type { ApiKeyEntity, Role } from '../entities';
import { returnedRows, type Queryable } from '../queryable';

/** A key as it may be shown: everything but its hash. */
export type StoredApiKey = Omit<ApiKeyEntity, 'keyHash'>;

export interface NewApiKey {
  name: string;
  role: Role;
  prefix: string;
  keyHash: string;
  expiresAt?: Date | null;
}

/** What verifying a key needs of its row. */
export interface LiveApiKey {
  id: string;
  role: Role;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

const KEY_COLUMNS = 'id, name, role, prefix, created_at, last_used_at, revoked_at, expires_at';

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date | null;
}

const toApiKey = (r: KeyRow): StoredApiKey => ({
  id: r.id,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  expiresAt: r.expires_at,
});

export async function insertApiKey(db: Queryable, key: NewApiKey): Promise<StoredApiKey> {
  const rows = (await db.query(
    `INSERT INTO api_keys (name, role, prefix, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${KEY_COLUMNS}`,
    [key.name, key.role, key.prefix, key.keyHash, key.expiresAt ?? null],
  )) as KeyRow[];
  return toApiKey(rows[0]!);
}

/** Stores a key unless one with its hash exists already (a configured key, stored once). */
export async function insertApiKeyUnlessKnown(db: Queryable, key: Omit<NewApiKey, 'expiresAt'>): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (name, role, prefix, key_hash) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key_hash) DO NOTHING`,
    [key.name, key.role, key.prefix, key.keyHash],
  );
}

/** Every key, newest first. */
export async function listApiKeys(db: Queryable): Promise<StoredApiKey[]> {
  const rows = (await db.query(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`)) as KeyRow[];
  return rows.map(toApiKey);
}

/** The key with this hash when it is neither revoked nor expired. */
export async function findLiveApiKey(db: Queryable, keyHash: string): Promise<LiveApiKey | null> {
  const rows = (await db.query(
    `SELECT id, role, last_used_at, expires_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [keyHash],
  )) as Array<{ id: string; role: Role; last_used_at: Date | null; expires_at: Date | null }>;
  const row = rows[0];
  return row ? { id: row.id, role: row.role, lastUsedAt: row.last_used_at, expiresAt: row.expires_at } : null;
}

/** Stamps last_used_at unless it was stamped within the last minute (conditional in SQL, so concurrent requests and instances write it once). */
export async function markApiKeyUsed(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}

/** Revokes a key (a second revocation keeps the first time); null when no such key exists. */
export async function revokeApiKey(db: Queryable, id: string): Promise<StoredApiKey | null> {
  const rows = returnedRows<KeyRow>(
    await db.query(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING ${KEY_COLUMNS}`,
      [id],
    ),
  );
  return rows[0] ? toApiKey(rows[0]) : null;
}

/** Of these key ids (uuids), those revoked or expired by now. */
export async function revokedApiKeysAmong(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const rows = (await db.query(`SELECT id FROM api_keys WHERE id = ANY($1::uuid[]) AND (revoked_at IS NOT NULL OR expires_at <= now())`, [ids])) as Array<{
    id: string;
  }>;
  return rows.map((r) => r.id);
}

/** Whether an ADMIN key is live. */
export async function liveAdminKeyExists(db: Queryable): Promise<boolean> {
  const admins = (await db.query(
    `SELECT 1 FROM api_keys WHERE role = 'ADMIN' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) LIMIT 1`,
  )) as unknown[];
  return admins.length > 0;
}

/** Held until the caller's transaction ends: instances starting together bootstrap the admin key one at a time. */
export async function lockAdminBootstrap(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('junction.bootstrap-admin'))`);
}
