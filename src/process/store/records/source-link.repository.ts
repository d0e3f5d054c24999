/**
 * Which remote record stands for which unified record, per connection (table source_links),
 * with its vendor stamp, content hash and the state Junction knows it holds. Upserted by
 * (connection, remote type, remote id), a unique index.
 */
import type { EntityManager } from 'typeorm';
import type { RecordKind } from '../../model';

/** As before the move: any handle that runs a statement (the sync's page code passes a narrowed one). */
type Queryable = Pick<EntityManager, 'query'>;

export interface LinkWrite {
  kind: RecordKind;
  recordId: string;
  remoteType: string;
  remoteId: string;
  /** The vendor's stamp when read; null for Junction's own writes (the stored stamp stays). */
  remoteUpdatedAt: Date | null;
  hash: string | null;
  /** The record's known state after this read or write (sync/known-state.ts); undefined leaves the stored one. */
  known?: Record<string, unknown>;
}

/**
 * One statement for a batch of source links; each (remoteType, remoteId) at most once, as ON
 * CONFLICT requires. A link's known state is replaced by the given one, or — with `readFields`
 * (a page read) — only those fields of it are: a read shows every mapped field, and what it
 * cannot show (Junction's delete flag) stays known. The links go as one jsonb document: as a
 * jsonb[] array every known state was escaped element by element in JavaScript, ~100 ms a
 * 1,000-link page against the statement's 16 ms in the server (BENCHMARKS.md, issue 20).
 */
export async function upsertLinks(m: Queryable, connectionId: string, links: readonly LinkWrite[], readFields?: readonly string[]): Promise<void> {
  if (!links.length) return;
  const rows = links.map((l) => ({ kind: l.kind, record_id: l.recordId, remote_type: l.remoteType, remote_id: l.remoteId, at: l.remoteUpdatedAt, hash: l.hash, known: l.known ?? null }));
  await m.query(
    `INSERT INTO source_links (record_kind, record_id, connection_id, remote_type, remote_id, remote_updated_at, content_hash, known_state)
     SELECT x.kind, x.record_id, $1, x.remote_type, x.remote_id, x.at, x.hash, x.known
     FROM jsonb_to_recordset($2::jsonb) AS x(kind text, record_id uuid, remote_type text, remote_id text, at timestamptz, hash text, known jsonb)
     ON CONFLICT (connection_id, remote_type, remote_id) DO UPDATE SET
       record_id = EXCLUDED.record_id, remote_updated_at = coalesce(EXCLUDED.remote_updated_at, source_links.remote_updated_at),
       content_hash = EXCLUDED.content_hash, last_synced_at = now(),
       known_state = CASE WHEN EXCLUDED.known_state IS NULL THEN source_links.known_state
                          WHEN $3::text[] IS NULL THEN EXCLUDED.known_state
                          ELSE (coalesce(source_links.known_state, '{}'::jsonb) - $3::text[]) || EXCLUDED.known_state END`,
    [connectionId, JSON.stringify(rows), readFields ?? null],
  );
}

/** Sets what Junction knows a linked record holds (a quarantine fix: the CRM still holds what was read, not the fix). */
export async function setKnownState(m: Queryable, connectionId: string, remoteType: string, remoteId: string, known: Record<string, unknown>): Promise<void> {
  await m.query(`UPDATE source_links SET known_state = $4 WHERE connection_id = $1 AND remote_type = $2 AND remote_id = $3`, [connectionId, remoteType, remoteId, JSON.stringify(known)]);
}
