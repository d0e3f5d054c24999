/**
 * Records what the vendor answered for a batch, set-based: one link upsert (unnest) and one
 * outbox update for the written records, one outbox update for the failed ones, and an
 * error-log entry per failed record (failures are the exception, and each names its record).
 */
import type { DataSource } from 'typeorm';
import type { WriteResult } from '../../../system';
import { logError } from '../../health/error-log';
import { mapperFor } from '../../mapping/registry';
import { contentHash } from '../../resolve/content-hash';
import type { ConnectionEntity } from '../../store/entities';
import { knownAfterWrite } from '../inbound/known-state';
import type { Pending } from './outbound-batch';
import { markAttempted, markDelivered, markFailed } from '../../store/pages/outbox.repository';
import { upsertLinks, type LinkWrite } from '../../store/records/source-link.repository';

/** Errors worth retrying on a later run; anything else is final for that record. */
const TRANSIENT = new Set(['TIMEOUT', 'NETWORK', 'SERVER', 'RATE_LIMIT']);

export interface Answered {
  pending: Pending;
  result: WriteResult | undefined;
}

export interface DeliveryOutcome {
  written: number;
  failed: number;
  /** Why the gate stopped the delivery after its first writes (run-gate.ts); the rest stays queued. */
  blocked?: string;
}

export async function recordResults(db: DataSource, connection: ConnectionEntity, runId: string, answered: Answered[]): Promise<DeliveryOutcome> {
  const ok = answered.filter((a) => a.result?.ok && a.result.remoteId);
  const failed = answered.filter((a) => !(a.result?.ok && a.result.remoteId));
  await db.transaction(async (m) => {
    if (ok.length) {
      // One row per remote record: ON CONFLICT DO UPDATE may not touch a row twice in one statement.
      const links = new Map<string, LinkWrite>();
      // An archive leaves the link as it is: the archived record is still the one this record is linked to.
      for (const { pending: p, result } of ok.filter((a) => !a.pending.archive)) {
        // The hash is of the record as this write meant to leave it, so reading that back is an
        // echo; a value the CRM kept instead (its answer says so) then reads as the change it is.
        const hash = contentHash(knownAfterWrite(p.known, p.record.fields), mapperFor(connection, p.remoteType).remoteFields);
        links.set(`${p.remoteType}\u0000${result!.remoteId}`, {
          kind: p.kind,
          recordId: p.recordId,
          remoteType: p.remoteType,
          remoteId: result!.remoteId!,
          remoteUpdatedAt: null,
          hash,
          known: knownAfterWrite(p.known, p.record.fields, result!.answered),
        });
      }
      await upsertLinks(m, connection.id, [...links.values()]);
      await markDelivered(m, ok.map((a) => a.pending.outboxId));
    }
    if (!failed.length) return;
    await markFailed(
      m,
      failed.map((a) => ({
        id: a.pending.outboxId,
        error: a.result?.error?.message ?? 'no result for this record',
        final: !TRANSIENT.has(a.result?.error?.errorClass ?? 'UNKNOWN'),
      })),
    );
    for (const { pending: p, result: r } of failed) {
      await logError(m, {
        connectionId: connection.id,
        runId,
        errorClass: r?.error?.errorClass ?? 'UNKNOWN',
        code: r?.error?.code ?? 'NO_RESULT',
        message: `${p.archive ? 'archive' : 'write'} ${p.remoteType} for ${p.recordId} failed: ${r?.error?.message ?? 'no result'}`,
        endpoint: `${p.archive ? 'archive' : 'upsert'} ${p.remoteType}`,
        recordIds: [p.recordId],
      });
    }
  });
  return { written: ok.length, failed: failed.length };
}

/** A whole call failed (network, quota, auth): its records stay queued for the next run. */
export async function recordCallFailure(db: DataSource, pending: Pending[], message: string): Promise<void> {
  await markAttempted(db, pending.map((p) => p.outboxId), message);
}
