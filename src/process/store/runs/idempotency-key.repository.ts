/**
 * Keys of requests already handled (table idempotency_keys): webhook deliveries here, kept
 * for a while (jobs/housekeeping.ts) so a vendor's retry of one is recognised as a replay.
 */
import type { Queryable } from '../queryable';

/** Stores the keys not seen before; returns how many were new. */
export async function recordWebhookDeliveries(db: Queryable, keys: string[]): Promise<number> {
  const fresh = (await db.query(
    `INSERT INTO idempotency_keys (key, request_hash) SELECT k, 'webhook' FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING RETURNING key`,
    [keys],
  )) as unknown[];
  return fresh.length;
}

/** Drops keys older than `days`; returns how many went. */
export async function pruneIdempotencyKeys(db: Queryable, days: number): Promise<number> {
  const [, dropped] = (await db.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(days => $1)`, [days])) as [unknown, number];
  return dropped;
}
