/**
 * What the test-batch gate (sync/runs/run-gate.ts) reads to judge a batch: the database's
 * clock when the batch starts, and the batch's records still waiting in quarantine since then.
 */
import type { Queryable } from '../queryable';
import type { BlockedRecord } from './sync-block.repository';

/** The database's clock: quarantine rows are stamped by it, not by this process's. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const rows = (await db.query(`SELECT now() AS t`)) as Array<{ t: Date }>;
  return new Date(rows[0]!.t);
}

/** The connection's records waiting in quarantine since `since`, with their rules. */
export async function quarantinedSince(db: Queryable, connectionId: string, since: Date): Promise<BlockedRecord[]> {
  const rows = (await db.query(
    `SELECT remote_type, remote_id, issues FROM quarantine WHERE connection_id = $1 AND status = 'PENDING' AND updated_at >= $2 ORDER BY updated_at, id`,
    [connectionId, since],
  )) as Array<{ remote_type: string | null; remote_id: string | null; issues: Array<{ field?: string; rule?: string; message?: string }> | null }>;
  return rows.map((q) => ({
    type: q.remote_type ?? 'record',
    id: q.remote_id,
    problem: (q.issues ?? []).map((i) => `${i.field ?? ''}:${i.rule ?? 'RULE'} ${i.message ?? ''}`.trim()).join('; '),
  }));
}
