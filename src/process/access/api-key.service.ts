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
import type { Role } from '../store/entities';
import {
  findLiveApiKey,
  insertApiKey,
  insertApiKeyUnlessKnown,
  listApiKeys,
  liveAdminKeyExists,
  lockAdminBootstrap,
  markApiKeyUsed,
  revokeApiKey,
  revokedApiKeysAmong,
  type StoredApiKey,
} from '../store/ops/api-key.repository';
import { isUuid } from '../store/read-models/pagination';

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
  apiKey: StoredApiKey;
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
    return { key, apiKey: await insertApiKey(this.db, { name, role, prefix: visibleKeyPrefix(key), keyHash: hashApiKey(key), expiresAt }) };
  }

  /** Every key, newest first, as stored: never the key, only its visible prefix. */
  async list(): Promise<StoredApiKey[]> {
    return listApiKeys(this.db);
  }

  /** The principal a key stands for, or null when it is unknown, revoked or expired. */
  async verify(key: string): Promise<Principal | null> {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
    const hash = hashApiKey(key);
    const cached = this.verified.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const row = await findLiveApiKey(this.db, hash);
    if (!row) {
      this.verified.delete(hash);
      return null;
    }
    // The store's write is conditional too, so concurrent requests and instances write it once a minute.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await markApiKeyUsed(this.db, row.id);
    const principal: Principal = { id: row.id, role: row.role };
    if (this.ttlMs > 0) {
      if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
      // Never trusted past its expiry, however fresh the verification.
      const until = Math.min(Date.now() + this.ttlMs, row.expiresAt?.getTime() ?? Infinity);
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
  async revoke(id: string): Promise<StoredApiKey | null> {
    if (!isUuid(id)) return null;
    const revoked = await revokeApiKey(this.db, id);
    this.forget([id]);
    return revoked;
  }

  /** Of the given key ids, those revoked or expired by now (lets open sockets on every instance notice). */
  async revokedAmong(ids: readonly string[]): Promise<string[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const revoked = await revokedApiKeysAmong(this.db, valid);
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
      await lockAdminBootstrap(tx);
      if (configuredKey) {
        await insertApiKeyUnlessKnown(tx, { name: 'bootstrap admin (JUNCTION_ADMIN_KEY)', role: 'ADMIN', prefix: visibleKeyPrefix(configuredKey), keyHash: hashApiKey(configuredKey) });
        return { generatedKey: undefined };
      }
      if (await liveAdminKeyExists(tx)) return { generatedKey: undefined };
      const key = generateApiKey();
      await insertApiKey(tx, { name: 'bootstrap admin', role: 'ADMIN', prefix: visibleKeyPrefix(key), keyHash: hashApiKey(key) });
      return { generatedKey: key };
    });
  }
}
