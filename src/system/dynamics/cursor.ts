/**
 * The listChanged cursor. Between runs it is the change-tracking delta token; inside a
 * long delivery it is the nextLink of the page still to fetch, so a resumed run continues
 * the same tracked round without skipping a change.
 */
import { SystemError } from '../errors';

export type ChangeCursor = { kind: 'delta'; token: string } | { kind: 'next'; link: string };

const PREFIX = 'dv1';

export function encodeCursor(c: ChangeCursor): string {
  return c.kind === 'delta' ? `${PREFIX}:delta:${c.token}` : `${PREFIX}:next:${c.link}`;
}

export function decodeCursor(cursor: string | null): ChangeCursor | null {
  if (cursor === null || cursor === '') return null;
  const m = /^dv1:(delta|next):(.+)$/s.exec(cursor);
  if (!m) throw new SystemError('VALIDATION', 'BAD_CURSOR', `not a Dataverse change cursor: ${cursor.slice(0, 40)}`);
  return m[1] === 'delta' ? { kind: 'delta', token: m[2]! } : { kind: 'next', link: m[2]! };
}

/** The `$deltatoken` of a deltaLink. */
export function deltaTokenOf(link: string): string | undefined {
  return new URL(link, 'http://placeholder').searchParams.get('$deltatoken') ?? undefined;
}
