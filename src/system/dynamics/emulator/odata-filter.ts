/**
 * A small OData `$filter` evaluator: comparisons (eq ne gt ge lt le) of a column with a
 * literal, `and`/`or`/`not`, parentheses, and contains/startswith/endswith. Enough for what
 * sync clients send (`modifiedon ge 2024-01-01T00:00:00Z`, `emailaddress1 eq '…'`).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows
 */
export type Predicate = (row: Record<string, unknown>) => boolean;

export class FilterSyntaxError extends Error {}

type Literal = string | number | boolean | null | { date: number };
type Token = { kind: 'word' | 'string' | 'punct'; text: string };

const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCS = new Set(['contains', 'startswith', 'endswith']);
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let value = '';
      for (i++; ; i++) {
        if (i >= text.length) throw new FilterSyntaxError('unterminated string literal');
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i++;
        } else if (text[i] === "'") break;
        else value += text[i];
      }
      tokens.push({ kind: 'string', text: value });
      i++;
    } else {
      const m = /^[^\s(),']+/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

function literal(t: Token): Literal {
  if (t.kind === 'string') return t.text;
  if (t.text === 'null') return null;
  if (t.text === 'true' || t.text === 'false') return t.text === 'true';
  if (DATE.test(t.text)) return { date: Date.parse(t.text) };
  if (/^-?\d+(\.\d+)?$/.test(t.text)) return Number(t.text);
  // GUIDs appear bare in Dataverse filters (`_parentcustomerid_value eq 00000000-…`).
  if (/^[0-9a-f-]{36}$/i.test(t.text)) return t.text.toLowerCase();
  throw new FilterSyntaxError(`unexpected literal ${t.text}`);
}

/** Compares a stored value with a literal: dates by instant, strings case-insensitively. */
function compare(value: unknown, lit: Literal): number | undefined {
  if (lit === null) return value === null || value === undefined ? 0 : undefined;
  if (value === null || value === undefined) return undefined;
  if (typeof lit === 'object') {
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? undefined : Math.sign(ms - lit.date);
  }
  if (typeof lit === 'number') return typeof value === 'number' ? Math.sign(value - lit) : undefined;
  if (typeof lit === 'boolean') return value === lit ? 0 : undefined;
  const a = String(value).toLowerCase();
  const b = lit.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

function test(op: string, cmp: number | undefined): boolean {
  if (op === 'ne') return cmp !== 0;
  if (cmp === undefined) return false;
  return { eq: cmp === 0, gt: cmp > 0, ge: cmp >= 0, lt: cmp < 0, le: cmp <= 0 }[op] ?? false;
}

/** Parses `$filter`; `known(column)` rejects columns the table does not have. */
export function parseFilter(text: string, known: (column: string) => boolean): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string): Token => {
    const t = tokens[pos++];
    if (!t || (expected !== undefined && t.text !== expected)) throw new FilterSyntaxError(`expected ${expected ?? 'a term'} at position ${pos}`);
    return t;
  };
  const column = (t: Token): string => {
    if (t.kind !== 'word' || !known(t.text)) throw new FilterSyntaxError(`Could not find a property named '${t.text}'`);
    return t.text;
  };

  const primary = (): Predicate => {
    const t = take();
    if (t.text === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (t.text === 'not') {
      const inner = primary();
      return (row) => !inner(row);
    }
    if (t.kind === 'word' && FUNCS.has(t.text.toLowerCase())) {
      take('(');
      const col = column(take());
      take(',');
      const arg = take();
      take(')');
      if (arg.kind !== 'string') throw new FilterSyntaxError(`${t.text} needs a string argument`);
      const needle = arg.text.toLowerCase();
      const fn = t.text.toLowerCase();
      return (row) => {
        const v = row[col];
        if (typeof v !== 'string') return false;
        const hay = v.toLowerCase();
        return fn === 'contains' ? hay.includes(needle) : fn === 'startswith' ? hay.startsWith(needle) : hay.endsWith(needle);
      };
    }
    const col = column(t);
    const op = take().text.toLowerCase();
    if (!OPS.has(op)) throw new FilterSyntaxError(`unknown operator ${op}`);
    const lit = literal(take());
    return (row) => test(op, compare(row[col], lit));
  };
  const and = (): Predicate => {
    let left = primary();
    while (peek()?.text === 'and') {
      take();
      const l = left;
      const r = primary();
      left = (row) => l(row) && r(row);
    }
    return left;
  };
  const or = (): Predicate => {
    let left = and();
    while (peek()?.text === 'or') {
      take();
      const l = left;
      const r = and();
      left = (row) => l(row) || r(row);
    }
    return left;
  };
  const predicate = or();
  if (pos < tokens.length) throw new FilterSyntaxError(`unexpected ${tokens[pos]!.text} at position ${pos + 1}`);
  return predicate;
}

/** `$orderby=col [asc|desc], …` as a comparator. */
export function parseOrderBy(text: string, known: (column: string) => boolean): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const keys = text.split(',').map((part) => {
    const [col = '', dir = 'asc'] = part.trim().split(/\s+/);
    if (!known(col)) throw new FilterSyntaxError(`Could not find a property named '${col}'`);
    if (dir !== 'asc' && dir !== 'desc') throw new FilterSyntaxError(`bad sort direction ${dir}`);
    return { col, sign: dir === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { col, sign } of keys) {
      const x = a[col];
      const y = b[col];
      if (x === y) continue;
      if (x === null || x === undefined) return -sign;
      if (y === null || y === undefined) return sign;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c !== 0) return sign * Math.sign(c);
    }
    return 0;
  };
}
