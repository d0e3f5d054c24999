/**
 * Keyset pagination shared by the read-side queries: opaque cursors over a stable sort
 * key, page-size limits, and the typed error the API turns into BAD_USER_INPUT.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** A caller's input a query cannot run with. The experience tier maps it to BAD_USER_INPUT. */
export class QueryInputError extends Error {
  override readonly name = 'QueryInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  /** Cursor of each node, same order as `nodes`. */
  cursors: string[];
  hasNextPage: boolean;
  /** Keyset pages only move forward; true when the page started after a cursor. */
  hasPreviousPage: boolean;
}

/**
 * The sort key a cursor carries: a timestamp as PostgreSQL's own text (microseconds kept —
 * a JS Date would round them away and repeat or skip rows) and the row id as tie-breaker.
 */
export interface SortKey {
  at: string;
  id: string;
}

export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw new QueryInputError('first', '`first` must be a whole number of 0 or more');
  if (first > MAX_PAGE_SIZE) throw new QueryInputError('first', `\`first\` must be at most ${MAX_PAGE_SIZE}`);
  return first;
}

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): SortKey | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [at, id] = parsed as unknown[];
      if (typeof at === 'string' && typeof id === 'string' && isUuid(id) && isCursorTime(at)) return { at, id };
    }
  } catch {
    // fall through: any undecodable cursor is the caller's mistake, reported below
  }
  throw new QueryInputError('after', '`after` is not a cursor this API issued');
}

/** Exactly what `sortAtSql` writes. Date.parse takes far more ("1", 31 February, year 275760) than PostgreSQL does. */
const CURSOR_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function isCursorTime(at: string): boolean {
  const m = CURSOR_TIME.exec(at);
  if (!m || m[1] === '0000') return false;
  // A real instant: JavaScript rolls 31 February over to March, so the round trip tells.
  const parsed = new Date(`${at.slice(0, 23)}Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === at.slice(0, 19);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else can match no row, and must not reach SQL as a cast error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Escapes LIKE wildcards so a search for `50%_off` matches those characters literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Builds a page from rows fetched with `LIMIT size + 1`: the extra row only tells whether
 * another page exists.
 */
export function toPage<R extends { sort_at: string; id: string }, T>(rows: R[], size: number, after: SortKey | null, map: (row: R) => T): Page<T> {
  const visible = rows.slice(0, size);
  return {
    nodes: visible.map(map),
    cursors: visible.map((r) => encodeCursor({ at: r.sort_at, id: r.id })),
    hasNextPage: rows.length > size,
    hasPreviousPage: after !== null,
  };
}

/** The sort timestamp as ISO-8601 UTC text with microseconds, for cursors. */
export const sortAtSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
