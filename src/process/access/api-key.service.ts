/**
 * API keys (SPEC §4): `jk_` + 43 base64url characters (32 random bytes), shown once and
 * stored only as a SHA-256 hash.
 *
 * Why a plain SHA-256 and not bcrypt/scrypt: slow hashes protect low-entropy secrets
 * (passwords) from offline guessing. A 256-bit random key cannot be guessed from its hash
 * at any hashing speed, and a fast hash lets every request be checked with one indexed
 * look-up (`key_hash` is UNIQUE). The lookup is by hash, so no secret is compared in
 * non-constant time.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUuid } from '../queries/pagination';
import type { ApiKeyEntity, Role } from '../store/entities';

export type { Role } from '../store/entities';
export const ROLES: readonly Role[] = ['VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'];

export interface Principal {
  /** The api_keys row id. */
  id: string;
  role: Role;
}

export interface CreatedApiKey {
  /** The plaintext key: returned once, never stored. */
  key: string;
  apiKey: Omit<ApiKeyEntity, 'keyHash'>;
}

const KEY_PREFIX = 'jk_';
/** Characters of the key kept in clear so people can tell keys apart (`jk_` + 5). */
const VISIBLE_PREFIX_LENGTH = 8;
/** Longest string worth hashing: anything longer is not a key (bounds work per request). */
const MAX_KEY_LENGTH = 512;
/** `last_used_at` is a hint for audits, so it is written at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
export const generateApiKey = (): string => `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
/** The part of a key kept in clear (api_keys.prefix): safe to log and to show. */
export const visibleKeyPrefix = (key: string): string => key.slice(0, VISIBLE_PREFIX_LENGTH);

/**
 * How long a verified key is trusted without asking the database again. Revocation through
 * this instance evicts at once; another instance's revocation reaches HTTP requests here
 * within this time (open sockets are closed by the revoked-key sweep, which also evicts).
 */
export const VERIFIED_KEY_TTL_MS = 5_000;
/** Bounds the cache: past this many keys it starts over (keys are few; this is a guard). */
const MAX_CACHED_KEYS = 10_000;

export interface ApiKeyServiceOptions {
  /** 0 turns the verified-key cache off. @default VERIFIED_KEY_TTL_MS */
  verifiedTtlMs?: number;
}

export class ApiKeyService {
  /** Verified keys by hash (never the key itself): one database look-up per key per TTL, not per request. */
  private verified = new Map<string, { principal: Principal; until: number }>();
  private readonly ttlMs: number;

  constructor(
    private db: DataSource,
    options: ApiKeyServiceOptions = {},
  ) {
    this.ttlMs = options.verifiedTtlMs ?? VERIFIED_KEY_TTL_MS;
  }

  /** `expiresAt`: the key is refused from then on, like a revoked one (none: it lives until revoked). */
  async create(name: string, role: Role, expiresAt: Date | null = null): Promise<CreatedApiKey> {
    const key = generateApiKey();
    const rows = (await this.db.query(
      `INSERT INTO api_keys (name, role, prefix, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${KEY_COLUMNS}`,
      [name, role, visibleKeyPrefix(key), hashApiKey(key), expiresAt],
    )) as KeyRow[];
    return { key, apiKey: toApiKey(rows[0]!) };
  }

  /** Every key, newest first, as stored: never the key, only its visible prefix. */
  async list(): Promise<Array<Omit<ApiKeyEntity, 'keyHash'>>> {
    const rows = (await this.db.query(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`)) as KeyRow[];
    return rows.map(toApiKey);
  }

  /** The principal a key stands for, or null when it is unknown, revoked or expired. */
  async verify(key: string): Promise<Principal | null> {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
    const hash = hashApiKey(key);
    const cached = this.verified.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const rows = (await this.db.query(
      `SELECT id, role, last_used_at, expires_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    )) as Array<{ id: string; role: Role; last_used_at: Date | null; expires_at: Date | null }>;
    const row = rows[0];
    if (!row) {
      this.verified.delete(hash);
      return null;
    }
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
      // Conditional in SQL too, so concurrent requests and instances write it once a minute.
      await this.db.query(
        `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [row.id],
      );
    }
    const principal: Principal = { id: row.id, role: row.role };
    if (this.ttlMs > 0) {
      if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
      // Never trusted past its expiry, however fresh the verification.
      const until = Math.min(Date.now() + this.ttlMs, row.expires_at?.getTime() ?? Infinity);
      this.verified.set(hash, { principal, until });
    }
    return principal;
  }

  /** Drops cached verifications of these key ids (revoked here, or seen revoked by another instance). */
  private forget(ids: Iterable<string>): void {
    const gone = new Set(ids);
    if (gone.size === 0) return;
    for (const [hash, entry] of this.verified) if (gone.has(entry.principal.id)) this.verified.delete(hash);
  }

  /** Revokes a key; returns it, or null when no such key exists. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<Omit<ApiKeyEntity, 'keyHash'> | null> {
    if (!isUuid(id)) return null;
    // TypeORM answers an UPDATE on PostgreSQL with [rows, affectedCount].
    const [rows] = (await this.db.query(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING ${KEY_COLUMNS}`,
      [id],
    )) as [KeyRow[], number];
    this.forget([id]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  /** Of the given key ids, those revoked or expired by now (lets open sockets on every instance notice). */
  async revokedAmong(ids: readonly string[]): Promise<string[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = (await this.db.query(`SELECT id FROM api_keys WHERE id = ANY($1::uuid[]) AND (revoked_at IS NOT NULL OR expires_at <= now())`, [valid])) as Array<{
      id: string;
    }>;
    const revoked = rows.map((r) => r.id);
    this.forget(revoked);
    return revoked;
  }

  /**
   * Makes sure an administrator can get in. With `JUNCTION_ADMIN_KEY` given, its hash is
   * stored (once) as an ADMIN key and nothing is returned: a configured key is never shown.
   * Without it, a key is generated only when no active ADMIN key exists yet, and returned
   * (this once) so start-up can print it. An advisory lock keeps two instances starting
   * together from both generating one.
   */
  async ensureBootstrapAdmin(configuredKey: string | undefined): Promise<{ generatedKey: string | undefined }> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('junction.bootstrap-admin'))`);
      if (configuredKey) {
        await tx.query(
          `INSERT INTO api_keys (name, role, prefix, key_hash) VALUES ('bootstrap admin (JUNCTION_ADMIN_KEY)', 'ADMIN', $1, $2)
           ON CONFLICT (key_hash) DO NOTHING`,
          [configuredKey.slice(0, VISIBLE_PREFIX_LENGTH), hashApiKey(configuredKey)],
        );
        return { generatedKey: undefined };
      }
      const admins = (await tx.query(
        `SELECT 1 FROM api_keys WHERE role = 'ADMIN' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) LIMIT 1`,
      )) as unknown[];
      if (admins.length > 0) return { generatedKey: undefined };
      const key = generateApiKey();
      await tx.query(`INSERT INTO api_keys (name, role, prefix, key_hash) VALUES ('bootstrap admin', 'ADMIN', $1, $2)`, [
        key.slice(0, VISIBLE_PREFIX_LENGTH),
        hashApiKey(key),
      ]);
      return { generatedKey: key };
    });
  }
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

const toApiKey = (r: KeyRow): Omit<ApiKeyEntity, 'keyHash'> => ({
  id: r.id,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  expiresAt: r.expires_at,
});
