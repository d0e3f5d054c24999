/**
 * Idempotency keys of partner batches (SPEC §4): the key row is claimed with INSERT … ON
 * CONFLICT on its primary key inside the batch's transaction, so a concurrent call with the
 * same key waits for the first to commit, then reads its stored answer to replay it.
 */
import type { Queryable } from '../queryable';

/** True when this call now holds the key; false when another call claimed it first. */
export async function claimIdempotencyKey(m: Queryable, key: string, requestHash: string): Promise<boolean> {
  const claimed = (await m.query(`INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key`, [key, requestHash])) as unknown[];
  return claimed.length > 0;
}

/** What the first call with this key sent (its hash) and answered (null while it has not committed one). */
export async function priorUseOfKey<Response>(m: Queryable, key: string): Promise<{ requestHash: string; response: Response | null } | undefined> {
  const [prior] = (await m.query(`SELECT request_hash, response FROM idempotency_keys WHERE key = $1`, [key])) as Array<{ request_hash: string; response: Response | null }>;
  return prior ? { requestHash: prior.request_hash, response: prior.response } : undefined;
}

export async function saveKeyResponse(m: Queryable, key: string, response: unknown): Promise<void> {
  await m.query(`UPDATE idempotency_keys SET response = $2 WHERE key = $1`, [key, JSON.stringify(response)]);
}
