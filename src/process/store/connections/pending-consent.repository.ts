/**
 * Consents in progress (table pending_consents): written by startConnect, taken — read and
 * deleted in one statement, so a state is used once however many callbacks race — by the
 * OAuth callback. The starting key's role comes back with the row only while the key is live.
 */
import type { Role } from '../entities';
import { returnedRows, type Queryable } from '../queryable';

export interface NewPendingConsent {
  stateHash: string;
  apiKeyId: string;
  kind: string;
  name: string;
  baseUrl: string;
  /** What is not secret: the client id, API version, scopes, tenant, authority, redirect URI. */
  details: Record<string, unknown>;
  secretsSealed: string;
  expiresAt: Date;
}

export interface TakenConsent extends NewPendingConsent {
  /** The starting key's role, or null when it is revoked or expired since. */
  keyRole: Role | null;
}

interface Row {
  state_hash: string;
  api_key_id: string;
  kind: string;
  name: string;
  base_url: string;
  details: Record<string, unknown>;
  secrets_sealed: string;
  expires_at: Date;
  key_role: Role | null;
}

/** Stores a consent, and forgets those that expired a day ago or more (nobody can finish them). */
export async function insertPendingConsent(db: Queryable, c: NewPendingConsent): Promise<void> {
  await db.query(`DELETE FROM pending_consents WHERE expires_at < now() - interval '1 day'`);
  await db.query(
    `INSERT INTO pending_consents (state_hash, api_key_id, kind, name, base_url, details, secrets_sealed, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [c.stateHash, c.apiKeyId, c.kind, c.name, c.baseUrl, JSON.stringify(c.details), c.secretsSealed, c.expiresAt],
  );
}

/** The consent of that state, deleted as it is read; null when there is none (never was, or used). */
export async function takePendingConsent(db: Queryable, stateHash: string): Promise<TakenConsent | null> {
  const rows = returnedRows<Row>(
    await db.query(
      `DELETE FROM pending_consents p WHERE p.state_hash = $1
       RETURNING p.*, (SELECT k.role FROM api_keys k WHERE k.id = p.api_key_id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS key_role`,
      [stateHash],
    ),
  );
  const r = rows[0];
  if (!r) return null;
  return {
    stateHash: r.state_hash,
    apiKeyId: r.api_key_id,
    kind: r.kind,
    name: r.name,
    baseUrl: r.base_url,
    details: r.details,
    secretsSealed: r.secrets_sealed,
    expiresAt: r.expires_at,
    keyRole: r.key_role,
  };
}
