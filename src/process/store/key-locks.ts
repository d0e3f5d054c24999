/**
 * Serializes concurrent writers of the same natural key (an email, a company name) across
 * instances, inside the caller's transaction: no find-then-create race.
 *
 * Keys are hashed into a bounded number of buckets per namespace. A transaction-scoped
 * advisory lock is held until commit, so locking one per key made a 10,000-record page take
 * ~20,000 locks and exhaust PostgreSQL's shared lock table ("out of shared memory"). With
 * buckets a transaction holds at most BUCKETS locks per namespace; two unrelated keys in one
 * bucket only wait for each other, never conflict.
 */
import type { EntityManager } from 'typeorm';

const BUCKETS = 256;

export const LOCK_NAMESPACES = { contact: 1, company: 2 } as const;

export async function lockKeys(m: Pick<EntityManager, 'query'>, namespace: keyof typeof LOCK_NAMESPACES, keys: readonly string[]): Promise<void> {
  if (!keys.length) return;
  // One statement, buckets in ascending order: two transactions can never wait on each other in a cycle.
  await m.query(
    `SELECT pg_advisory_xact_lock($1::int, b) FROM (SELECT DISTINCT (hashtext(k) & ${BUCKETS - 1}) AS b FROM unnest($2::text[]) AS k) x ORDER BY b`,
    [LOCK_NAMESPACES[namespace], keys],
  );
}
