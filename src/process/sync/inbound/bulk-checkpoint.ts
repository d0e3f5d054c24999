/**
 * Where an unfinished BULK read of one object stopped, kept in `sync_cursors` under the key
 * `bulk:<remoteType>` beside the object's incremental cursor (stored by
 * store/pages/bulk-checkpoint.repository.ts). Each applied page commits its adapter resume
 * token in the page's own transaction (a finished object keeps a `done` mark, so a resumed
 * run does not read it again); the run that completes the whole bulk read removes them all
 * when it ends. So checkpoints are only ever left by a BULK run that stopped short, and the
 * next BULK run of the connection continues from them, while a BULK run after a completed
 * one starts fresh.
 *
 * A checkpoint holds a fingerprint of the fields it was read with: after a mapping change
 * the resumed pages would lack the new fields, so it is ignored. So is one older than a day:
 * its vendor state (a Salesforce query job) may be gone, and a full read is the safe answer.
 */
import { createHash } from 'node:crypto';
import * as checkpoints from '../../store/pages/bulk-checkpoint.repository';
import type { Queryable } from '../../store/queryable';

const MAX_AGE_HOURS = 24;

interface Stored {
  fields: string;
  /** The adapter's token for the next page, or null once the object was read to the end. */
  resume: string | null;
}

/** What a BULK read of the object should do: read from the start, resume after a token, or nothing (already read). */
export type BulkStart = { kind: 'FRESH' } | { kind: 'RESUME'; token: string } | { kind: 'DONE' };

const fingerprint = (fields: string[]) =>
  createHash('sha256')
    .update([...fields].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);

export async function loadBulkStart(q: Queryable, connectionId: string, remoteType: string, fields: string[]): Promise<BulkStart> {
  const stored = parse(await checkpoints.readBulkCheckpoint(q, connectionId, remoteType, MAX_AGE_HOURS));
  if (!stored || stored.fields !== fingerprint(fields)) return { kind: 'FRESH' };
  return stored.resume === null ? { kind: 'DONE' } : { kind: 'RESUME', token: stored.resume };
}

/** Commits where the read stands after a page (`resume` undefined: the object is read to the end). */
export async function saveBulkCheckpoint(q: Queryable, connectionId: string, remoteType: string, fields: string[], resume: string | undefined): Promise<void> {
  const stored: Stored = { fields: fingerprint(fields), resume: resume ?? null };
  await checkpoints.writeBulkCheckpoint(q, connectionId, remoteType, JSON.stringify(stored));
}

export async function forgetBulkCheckpoint(q: Queryable, connectionId: string, remoteType: string): Promise<void> {
  await checkpoints.deleteBulkCheckpoint(q, connectionId, remoteType);
}

/** The bulk read is complete: the next BULK run starts fresh. */
export async function clearBulkCheckpoints(q: Queryable, connectionId: string): Promise<void> {
  await checkpoints.deleteBulkCheckpoints(q, connectionId);
}

function parse(text: string | undefined): Stored | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Stored>;
    if (typeof value.fields === 'string' && (typeof value.resume === 'string' || value.resume === null)) return { fields: value.fields, resume: value.resume };
  } catch {
    // An unreadable checkpoint is no checkpoint: the read starts over (content hashes keep that correct).
  }
  return undefined;
}
