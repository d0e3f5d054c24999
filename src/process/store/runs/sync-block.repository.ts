/**
 * A connection's sync block (table sync_blocks, set by sync/runs/run-gate.ts): what the
 * test-batch gate found systemic, why, and the records concerned — one row per connection,
 * kept until a later run passes the gate. The SYNC_BLOCKED alert is computed from it
 * (health-snapshot.ts, alert-rules.ts).
 */
import type { Queryable } from '../queryable';

export const BLOCK_CAUSES = ['ACCESS', 'MAPPING', 'QUARANTINE', 'WRITES'] as const;
export type BlockCause = (typeof BLOCK_CAUSES)[number];

/** A record the block concerns: its CRM type and id, and what went wrong with it. */
export interface BlockedRecord {
  type: string;
  id: string | null;
  problem: string;
}

export interface SyncBlock {
  cause: BlockCause;
  reason: string;
  records: BlockedRecord[];
  runId: string | null;
  blockedAt: Date;
}

/** Records kept per block: the test batch's size, enough to see the pattern. */
const MAX_RECORDS = 10;

/** Replaces the connection's block with this one (a later stop says why now). */
export async function recordBlock(db: Queryable, connectionId: string, runId: string, cause: BlockCause, reason: string, records: BlockedRecord[]): Promise<void> {
  await db.query(
    `INSERT INTO sync_blocks (connection_id, run_id, cause, reason, records) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (connection_id) DO UPDATE SET run_id = EXCLUDED.run_id, cause = EXCLUDED.cause, reason = EXCLUDED.reason,
       records = EXCLUDED.records, blocked_at = now()`,
    [connectionId, runId, cause, reason.slice(0, 2000), JSON.stringify(records.slice(0, MAX_RECORDS))],
  );
}

/** Lifts the connection's block: of the given causes only, or any. */
export async function clearBlock(db: Queryable, connectionId: string, causes: readonly BlockCause[] = BLOCK_CAUSES): Promise<void> {
  await db.query(`DELETE FROM sync_blocks WHERE connection_id = $1 AND cause = ANY($2::text[])`, [connectionId, [...causes]]);
}

export async function blockOf(db: Queryable, connectionId: string): Promise<SyncBlock | null> {
  const rows = (await db.query(`SELECT cause, reason, records, run_id, blocked_at FROM sync_blocks WHERE connection_id = $1`, [connectionId])) as Array<{
    cause: BlockCause;
    reason: string;
    records: BlockedRecord[];
    run_id: string | null;
    blocked_at: Date;
  }>;
  const r = rows[0];
  return r ? { cause: r.cause, reason: r.reason, records: r.records, runId: r.run_id, blockedAt: new Date(r.blocked_at) } : null;
}
