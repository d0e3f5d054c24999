/**
 * Delivers a connection's outbox: unified changes become idempotent batched writes (by
 * remote id when linked, else an upsert on Junction's external id), so a write whose answer
 * was lost, or a run retried after a crash, creates no duplicate. Delivered at least once.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { SystemError, type OutboundRecord, type SystemAdapter, type WriteResult } from '../../system';
import { mapperFor, mappingProfile } from '../mapping/registry';
import type { OutboundSnapshot } from '../mapping/field-map';
import type { RecordKind } from '../model';
import { logError } from '../health/error-log';
import { contentHash } from '../resolve/content-hash';
import { loadRecord, upsertLink } from './record-store';
import type { ConnectionEntity } from '../store/entities';

export interface DeliveryOutcome {
  written: number;
  failed: number;
}

interface OutboxRow {
  id: string;
  record_kind: RecordKind;
  record_id: string;
}

interface Pending {
  outboxId: string;
  kind: RecordKind;
  recordId: string;
  remoteType: string;
  record: OutboundRecord;
}

/** Errors worth retrying on a later run; anything else is final for that record. */
const TRANSIENT = new Set(['TIMEOUT', 'NETWORK', 'SERVER', 'RATE_LIMIT']);
const BATCH = 1000;

export async function deliverOutbox(db: DataSource, connection: ConnectionEntity, adapter: SystemAdapter, runId: string): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { written: 0, failed: 0 };
  // Companies first, so contacts can reference the accounts just written.
  for (const kind of ['COMPANY', 'CONTACT'] as const) {
    for (;;) {
      const rows = (await db.query(
        `SELECT id, record_kind, record_id FROM outbox WHERE connection_id = $1 AND record_kind = $2 AND delivered_at IS NULL ORDER BY id LIMIT ${BATCH}`,
        [connection.id, kind],
      )) as OutboxRow[];
      if (!rows.length) break;
      const pending = await buildWrites(db.manager, connection, rows);
      const byType = groupBy(pending.writes, (p) => p.remoteType);
      for (const [remoteType, group] of byType) {
        const r = await writeGroup(db, connection, adapter, runId, remoteType, group);
        outcome.written += r.written;
        outcome.failed += r.failed;
      }
      if (pending.skipped.length) await db.query(`UPDATE outbox SET delivered_at = now(), last_error = 'nothing to write' WHERE id = ANY($1)`, [pending.skipped]);
      if (rows.length < BATCH) break;
    }
  }
  return outcome;
}

async function buildWrites(m: EntityManager, connection: ConnectionEntity, rows: OutboxRow[]): Promise<{ writes: Pending[]; skipped: string[] }> {
  const profile = mappingProfile(connection.kind);
  const writes: Pending[] = [];
  const skipped: string[] = [];
  const links = new Map(
    ((await m.query(`SELECT record_id, remote_type, remote_id FROM source_links WHERE connection_id = $1 AND record_id = ANY($2)`, [connection.id, rows.map((r) => r.record_id)])) as Array<{
      record_id: string;
      remote_type: string;
      remote_id: string;
    }>).map((l) => [l.record_id, l]),
  );
  for (const row of rows) {
    const stored = await loadRecord(m, row.record_kind, row.record_id);
    // Deleted records are not hard-deleted elsewhere (SPEC §3); archive propagation is per connection setting.
    if (!stored || stored.deletedAt) {
      skipped.push(row.id);
      continue;
    }
    const snapshot: OutboundSnapshot = { values: stored.values };
    if (row.record_kind === 'CONTACT' && stored.companyId) {
      const company = await loadRecord(m, 'COMPANY', stored.companyId);
      const companyLink = (await m.query(`SELECT remote_id FROM source_links WHERE connection_id = $1 AND record_id = $2 LIMIT 1`, [connection.id, stored.companyId])) as Array<{ remote_id: string }>;
      snapshot.company = { name: company?.values.name ?? null, remoteId: companyLink[0]?.remote_id };
    }
    const link = links.get(row.record_id);
    const remoteType = link?.remote_type ?? profile.createAs(row.record_kind, snapshot);
    const fields = mapperFor(connection.kind, remoteType).toRemote(snapshot);
    writes.push({ outboxId: row.id, kind: row.record_kind, recordId: row.record_id, remoteType, record: { remoteId: link?.remote_id, junctionId: row.record_id, fields } });
  }
  return { writes, skipped };
}

async function writeGroup(db: DataSource, connection: ConnectionEntity, adapter: SystemAdapter, runId: string, remoteType: string, group: Pending[]): Promise<DeliveryOutcome> {
  const mapper = mapperFor(connection.kind, remoteType);
  let results: WriteResult[];
  try {
    results = await adapter.upsert(remoteType, group.map((p) => p.record));
  } catch (err) {
    // The whole call failed (network, quota, auth): every record stays queued for the next run.
    const e = err instanceof SystemError ? err : undefined;
    await db.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1)`, [group.map((p) => p.outboxId), e?.message ?? String(err)]);
    throw err;
  }
  const outcome: DeliveryOutcome = { written: 0, failed: 0 };
  await db.transaction(async (m) => {
    for (let i = 0; i < group.length; i++) {
      const p = group[i]!;
      const r = results[i];
      if (r?.ok && r.remoteId) {
        await upsertLink(m, { kind: p.kind, recordId: p.recordId, connectionId: connection.id, remoteType, remoteId: r.remoteId, remoteUpdatedAt: null, hash: contentHash(p.record.fields, mapper.remoteFields) });
        await m.query(`UPDATE outbox SET delivered_at = now(), attempts = attempts + 1 WHERE id = $1`, [p.outboxId]);
        outcome.written++;
        continue;
      }
      outcome.failed++;
      const errorClass = r?.error?.errorClass ?? 'UNKNOWN';
      const final = !TRANSIENT.has(errorClass);
      await m.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2, delivered_at = CASE WHEN $3 THEN now() ELSE NULL END WHERE id = $1`, [
        p.outboxId,
        r?.error?.message ?? 'no result for this record',
        final,
      ]);
      await logError(m, {
        connectionId: connection.id,
        runId,
        errorClass,
        code: r?.error?.code ?? 'NO_RESULT',
        message: `write ${remoteType} for ${p.recordId} failed: ${r?.error?.message ?? 'no result'}`,
        endpoint: `upsert ${remoteType}`,
        recordIds: [p.recordId],
      });
    }
  });
  return outcome;
}

/** Map.groupBy arrived in Node 21; Junction supports Node 20. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
