/**
 * The listChanged cursor: the last stamp delivered plus the ids delivered at exactly that
 * stamp. Resuming searches GTE the stamp and skips those ids, so records sharing a stamp
 * (HubSpot stamps can tie) are never skipped and the boundary record is not re-sent.
 */
import { SystemError } from '../errors';

export interface ChangeCursor {
  stampMs: number;
  idsAtStamp: string[];
}

const PREFIX = 'hs1';

export function encodeCursor(c: ChangeCursor): string {
  return `${PREFIX}:${c.stampMs}:${c.idsAtStamp.join(',')}`;
}

export function decodeCursor(cursor: string | null): ChangeCursor | null {
  if (cursor === null || cursor === '') return null;
  const m = /^hs1:(\d+):([^:]*)$/.exec(cursor);
  if (!m) throw new SystemError('VALIDATION', 'BAD_CURSOR', `not a HubSpot change cursor: ${cursor.slice(0, 40)}`);
  return { stampMs: Number(m[1]), idsAtStamp: m[2] ? m[2].split(',') : [] };
}

/** Advances a cursor over one delivered record. */
export function advance(c: ChangeCursor | null, stampMs: number, id: string): ChangeCursor {
  if (!c || stampMs > c.stampMs) return { stampMs, idsAtStamp: [id] };
  if (stampMs === c.stampMs && !c.idsAtStamp.includes(id)) return { stampMs, idsAtStamp: [...c.idsAtStamp, id] };
  return c;
}

/** True when the record was already delivered at or before the cursor. */
export function alreadySeen(c: ChangeCursor | null, stampMs: number, id: string): boolean {
  if (!c) return false;
  return stampMs < c.stampMs || (stampMs === c.stampMs && c.idsAtStamp.includes(id));
}

/**
 * A run's cursor: where live records were read up to, and — separately — up to which
 * archive the recycle bin was read. Kept apart, the live cursor can follow every record
 * delivered while the archive mark only moves over archives actually listed, so no
 * deletion is skipped and no probe for a horizon is needed.
 * `hs1:` cursors (one mark for both) are read as both marks at that point.
 */
export interface RunCursor {
  live: ChangeCursor | null;
  archived: ChangeCursor | null;
}

const RUN_PREFIX = 'hs2';

export function encodeRunCursor(c: RunCursor): string {
  const part = (m: ChangeCursor | null) => `${m?.stampMs ?? 0}:${m?.idsAtStamp.join(',') ?? ''}`;
  return `${RUN_PREFIX}:${part(c.live)}:${part(c.archived)}`;
}

export function decodeRunCursor(cursor: string | null): RunCursor {
  if (cursor === null || cursor === '') return { live: null, archived: null };
  const m = /^hs2:(\d+):([^:]*):(\d+):([^:]*)$/.exec(cursor);
  if (!m) {
    const single = decodeCursor(cursor);
    return { live: single, archived: single };
  }
  const mark = (stamp: string, ids: string): ChangeCursor => ({ stampMs: Number(stamp), idsAtStamp: ids ? ids.split(',') : [] });
  return { live: mark(m[1]!, m[2]!), archived: mark(m[3]!, m[4]!) };
}
