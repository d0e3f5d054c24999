/** Failed authentications as stored (table auth_failures): one row may stand for several alike failures (its count). */
import type { Queryable } from '../queryable';

export interface StoredAuthFailure {
  at: Date;
  reason: string;
  transport: string;
  keyPrefix: string | null;
  sourceAddress: string | null;
  count: number;
}

export async function insertAuthFailure(db: Queryable, f: StoredAuthFailure): Promise<void> {
  await db.query(`INSERT INTO auth_failures (at, reason, transport, key_prefix, source_address, count) VALUES ($1, $2, $3, $4, $5, $6)`, [
    f.at,
    f.reason,
    f.transport,
    f.keyPrefix,
    f.sourceAddress,
    f.count,
  ]);
}

/** Failures in the last `hours` per reason, each row counted as many as it stands for. */
export async function countAuthFailuresByReason(db: Queryable, hours: number): Promise<Array<{ reason: string; count: number }>> {
  const rows = (await db.query(
    `SELECT reason, sum(count)::int AS n FROM auth_failures WHERE at >= now() - make_interval(hours => $1) GROUP BY reason`,
    [hours],
  )) as Array<{ reason: string; n: number }>;
  return rows.map((r) => ({ reason: r.reason, count: r.n }));
}

/** Deletes rows older than `days`; returns how many went. */
export async function pruneAuthFailures(db: Queryable, days: number): Promise<number> {
  const [, count] = (await db.query(`DELETE FROM auth_failures WHERE at < now() - make_interval(days => $1)`, [days])) as [unknown, number];
  return count;
}
