/**
 * Rows kept for a while and then dropped, so tables written on every call do not grow
 * without end. The sync worker runs this once an hour across all instances (a throttled
 * pg-boss job, like the scheduler tick).
 * - Idempotency keys (partner upserts and webhook deliveries): 7 days. SPEC promises at least
 *   24 h; the vendors stop retrying a webhook delivery within a day (HubSpot, Salesforce
 *   outbound messages).
 * - Failed authentications: 30 days. The access review counts the last 24 h.
 */
import type { DataSource } from 'typeorm';
import { AuthFailureStore } from '../access/auth-failure-store';
import { pruneIdempotencyKeys } from '../store/runs/idempotency-key.repository';

export const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

export interface Retention {
  idempotencyKeysDays: number;
  authFailuresDays: number;
}

export const DEFAULT_RETENTION: Retention = { idempotencyKeysDays: 7, authFailuresDays: 30 };

export interface Pruned {
  idempotencyKeys: number;
  authFailures: number;
}

export async function pruneExpired(db: DataSource, retention: Retention = DEFAULT_RETENTION): Promise<Pruned> {
  const idempotencyKeys = await pruneIdempotencyKeys(db, retention.idempotencyKeysDays);
  const authFailures = await new AuthFailureStore(db).prune(retention.authFailuresDays);
  return { idempotencyKeys, authFailures };
}
