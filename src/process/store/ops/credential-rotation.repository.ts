/**
 * The sealed credentials of connections, as a master-key rotation reads and rewrites them
 * (the connections table belongs to the connection store; this is the rotation's own use).
 */
import type { Queryable } from '../queryable';

export interface SealedCredentials {
  connectionId: string;
  connectionName: string;
  sealed: string;
}

/**
 * Every live connection's sealed credentials, rows locked until the caller's transaction
 * ends. A deleted connection's credentials are erased: there is nothing to re-seal.
 */
export async function lockSealedCredentials(tx: Queryable): Promise<SealedCredentials[]> {
  const rows = (await tx.query(`SELECT id, name, credentials_sealed FROM connections WHERE deleted_at IS NULL ORDER BY id FOR UPDATE`)) as Array<{ id: string; name: string; credentials_sealed: string }>;
  return rows.map((r) => ({ connectionId: r.id, connectionName: r.name, sealed: r.credentials_sealed }));
}

export async function replaceSealedCredentials(tx: Queryable, connectionId: string, sealed: string): Promise<void> {
  await tx.query(`UPDATE connections SET credentials_sealed = $2, updated_at = now() WHERE id = $1`, [connectionId, sealed]);
}
