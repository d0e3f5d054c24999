/**
 * Binds a parsed SOQL query to an object's fields (unknown field → INVALID_FIELD, literal of
 * the wrong type → INVALID_FIELD as Salesforce words it) and runs it over stored rows.
 */
import { parseSfDateTime } from '../dates';
import { isNumeric, isTextual, type FieldDef, type ObjectSchema } from './schema';
import { parseSoql, SoqlSyntaxError, type Expr, type Literal, type SoqlQuery } from './soql-parser';
import type { SRecord } from './store';
import type { FieldValue } from './values';

export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

export interface BoundQuery {
  schema: ObjectSchema;
  fields: FieldDef[];
  query: SoqlQuery;
  defs: Map<string, FieldDef>;
}

type Comparable = string | number | boolean | null;

/** Parses and binds; every failure is a SoqlError carrying the Salesforce error code. */
export function compileSoql(soql: string, lookup: (object: string) => ObjectSchema | undefined): BoundQuery {
  let query: SoqlQuery;
  try {
    query = parseSoql(soql);
  } catch (err) {
    if (err instanceof SoqlSyntaxError) throw new SoqlError('MALFORMED_QUERY', `\n${soql}\n${' '.repeat(Math.max(0, err.column - 1))}^\nERROR at Row:1:Column:${err.column}\n${err.message}`);
    throw err;
  }
  const schema = lookup(query.object);
  if (!schema)
    throw new SoqlError('INVALID_TYPE', `\n${soql}\nERROR at Row:1\nsObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`);
  const defs = new Map<string, FieldDef>();
  const resolve = (name: string): FieldDef => {
    const def = schema.field(name);
    if (!def)
      throw new SoqlError(
        'INVALID_FIELD',
        `\n${soql}\nERROR at Row:1\nNo such column '${name}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    defs.set(name.toLowerCase(), def);
    return def;
  };
  const fields = query.fields.map(resolve);
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new SoqlError('MALFORMED_QUERY', `duplicate field selected: ${f.name}`);
    seen.add(f.name);
  }
  query.orderBy.forEach((o) => resolve(o.field));
  if (query.where) checkExpr(query.where, resolve);
  return { schema, fields, query, defs };
}

/** Filters, sorts, limits and projects rows; records come back keyed by canonical field names. */
export function runQuery(bound: BoundQuery, rows: SRecord[]): SRecord[] {
  const { query, defs } = bound;
  const def = (name: string) => defs.get(name.toLowerCase())!;
  let matched = query.where ? rows.filter((r) => evaluate(query.where!, r, def)) : [...rows];
  if (query.orderBy.length) {
    matched.sort((a, b) => {
      for (const o of query.orderBy) {
        const d = def(o.field);
        const va = comparable(d, a[d.name]);
        const vb = comparable(d, b[d.name]);
        // Null placement is absolute (NULLS FIRST/LAST), not flipped by DESC.
        if (va === null || vb === null) {
          if (va === vb) continue;
          return (va === null) === o.nullsLast ? 1 : -1;
        }
        const c = valueCompare(va, vb);
        if (c !== 0) return o.descending ? -c : c;
      }
      return 0;
    });
  }
  if (query.offset) matched = matched.slice(query.offset);
  if (query.limit !== undefined) matched = matched.slice(0, query.limit);
  return matched.map((r) => Object.fromEntries(bound.fields.map((f) => [f.name, r[f.name] ?? null])));
}

function checkExpr(expr: Expr, resolve: (name: string) => FieldDef): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      checkExpr(expr.left, resolve);
      checkExpr(expr.right, resolve);
      return;
    case 'not':
      return checkExpr(expr.expr, resolve);
    case 'like': {
      const def = resolve(expr.field);
      if (!isTextual(def.type)) throw new SoqlError('INVALID_FIELD', `invalid operator on field '${def.name}': LIKE requires a text field`);
      return;
    }
    case 'compare':
      return checkLiteral(resolve(expr.field), expr.value);
    case 'in': {
      const def = resolve(expr.field);
      expr.values.forEach((v) => checkLiteral(def, v));
    }
  }
}

function checkLiteral(def: FieldDef, lit: Literal): void {
  if (lit.type === 'null') return;
  const expected: Literal['type'] = isNumeric(def.type) ? 'number' : isTextual(def.type) ? 'string' : def.type === 'boolean' ? 'boolean' : def.type === 'date' ? 'date' : 'datetime';
  if (lit.type === expected) return;
  const wanted = { number: def.type === 'int' ? 'integer' : 'double', string: 'string', boolean: 'boolean', date: 'date', datetime: 'dateTime', null: 'null' }[expected];
  const quoting = expected === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
  throw new SoqlError('INVALID_FIELD', `value of filter criterion for field '${def.name}' must be of type ${wanted} and ${quoting}`);
}

function evaluate(expr: Expr, row: SRecord, def: (name: string) => FieldDef): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, row, def) && evaluate(expr.right, row, def);
    case 'or':
      return evaluate(expr.left, row, def) || evaluate(expr.right, row, def);
    case 'not':
      return !evaluate(expr.expr, row, def);
    case 'like': {
      const d = def(expr.field);
      const v = row[d.name];
      return typeof v === 'string' && likeRegex(expr.pattern).test(v);
    }
    case 'in': {
      const d = def(expr.field);
      const v = comparable(d, row[d.name]);
      const hit = expr.values.some((lit) => v !== null && v === literalComparable(d, lit));
      return expr.negated ? !hit : hit;
    }
    case 'compare': {
      const d = def(expr.field);
      return compare(comparable(d, row[d.name]), expr.op, literalComparable(d, expr.value));
    }
  }
}

function compare(a: Comparable, op: string, b: Comparable): boolean {
  if (b === null) return op === '=' ? a === null : op === '!=' ? a !== null : false;
  if (a === null || typeof a !== typeof b) return op === '!=';
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function valueCompare(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a !== typeof b) return String(a) < String(b) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Text compares case-insensitively, ids exactly, datetimes by instant (unparseable → null). */
function comparable(def: FieldDef, v: FieldValue | undefined): Comparable {
  if (v === null || v === undefined) return null;
  if (def.type === 'datetime') return typeof v === 'string' ? (parseSfDateTime(v) ?? null) : null;
  if (typeof v === 'string' && isTextual(def.type) && def.type !== 'id' && def.type !== 'reference') return v.toLowerCase();
  return v;
}

function literalComparable(def: FieldDef, lit: Literal): Comparable {
  if (lit.type === 'null') return null;
  if (lit.type === 'datetime') return lit.value;
  return comparable(def, lit.value);
}

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegex(pattern.charAt(++i));
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`, 'is');
}

const escapeRegex = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
