/**
 * CRM search semantics (POST /crm/v3/objects/{object}/search): filter groups are ORed,
 * filters inside a group ANDed; `after` is an offset; at most 200 per page and 10,000
 * results per query. Datetime properties accept epoch milliseconds or ISO strings.
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
 */
import { HUBSPOT_LIMITS, HUBSPOT_OBJECTS, type HubspotObject } from '../descriptor';
import type { RecordFailure } from './errors';
import { propertiesOf, type StoredRecord } from './store';

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];

export interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SortSpec {
  propertyName: string;
  descending: boolean;
}

export interface SearchRequest {
  filterGroups: Filter[][];
  sorts: SortSpec[];
  properties?: string[];
  limit: number;
  after: number;
  query?: string;
}

// Current docs: 5 groups of at most 6 filters, 18 in all (an older changelog said 10/25).
const MAX_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 6;
const MAX_FILTERS = 18;

const bad = (message: string): RecordFailure => ({ httpStatus: 400, category: 'VALIDATION_ERROR', message });
const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

export function parseSearchRequest(body: unknown): SearchRequest | RecordFailure {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('Invalid input JSON: expected a search request object');
  const input = body as Record<string, unknown>;
  const limit = input.limit === undefined ? HUBSPOT_LIMITS.searchDefaultPage : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > HUBSPOT_LIMITS.searchPage)
    return bad(`limit must be between 0 and ${HUBSPOT_LIMITS.searchPage}, got ${String(input.limit)}`);
  const after = input.after === undefined || input.after === null || input.after === '' ? 0 : Number(input.after);
  if (!Number.isInteger(after) || after < 0) return bad(`after must be a non-negative offset, got ${String(input.after)}`);
  const groups = input.filterGroups ?? [];
  if (!Array.isArray(groups)) return bad('filterGroups must be an array');
  if (groups.length > MAX_GROUPS) return bad(`Too many filter groups: ${groups.length}, at most ${MAX_GROUPS} are allowed`);
  const filterGroups: Filter[][] = [];
  let count = 0;
  for (const group of groups as Array<{ filters?: unknown }>) {
    const filters = group?.filters ?? [];
    if (!Array.isArray(filters)) return bad('filterGroups[].filters must be an array');
    if (filters.length > MAX_FILTERS_PER_GROUP) return bad(`Too many filters in a group: ${filters.length}, at most ${MAX_FILTERS_PER_GROUP} are allowed`);
    count += filters.length;
    const parsed: Filter[] = [];
    for (const f of filters as Array<Record<string, unknown>>) {
      const operator = f?.operator as Operator;
      if (typeof f?.propertyName !== 'string' || !OPERATORS.includes(operator)) return bad(`Invalid filter: ${JSON.stringify(f)}`);
      const values = Array.isArray(f.values) ? f.values.map(scalar).filter((v): v is string => v !== undefined) : undefined;
      parsed.push({ propertyName: f.propertyName, operator, value: scalar(f.value), highValue: scalar(f.highValue), values });
    }
    filterGroups.push(parsed);
  }
  if (count > MAX_FILTERS) return bad(`Too many filters: ${count}, at most ${MAX_FILTERS} are allowed`);
  const sorts: SortSpec[] = [];
  for (const s of Array.isArray(input.sorts) ? (input.sorts as unknown[]) : []) {
    // The SDK types sorts as strings, yet `{propertyName, direction}` objects pass through unchanged.
    if (typeof s === 'string') sorts.push(s.startsWith('-') ? { propertyName: s.slice(1), descending: true } : { propertyName: s, descending: false });
    else if (typeof s === 'object' && s !== null && typeof (s as { propertyName?: unknown }).propertyName === 'string') {
      const o = s as { propertyName: string; direction?: unknown };
      sorts.push({ propertyName: o.propertyName, descending: o.direction === 'DESCENDING' });
    } else return bad(`Invalid sort: ${JSON.stringify(s)}`);
  }
  const properties = Array.isArray(input.properties) ? input.properties.filter((p): p is string => typeof p === 'string') : undefined;
  const query = typeof input.query === 'string' && input.query.trim() ? input.query.trim() : undefined;
  return { filterGroups, sorts, properties, limit, after, query };
}

type Comparable = number | string | null;

/** Numbers (and epoch-ms datetimes) compare numerically; ISO datetimes compare as dates. */
function comparable(v: string | null | undefined): Comparable {
  if (v === null || v === undefined || v === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms;
  }
  return v.toLowerCase();
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The value search sees; the stamp property is indexed from the emulator's own stamp. */
function valueOf(row: StoredRecord, object: HubspotObject, property: string): Comparable {
  if (property === HUBSPOT_OBJECTS[object].stampProperty) return row.stamp;
  if (property === 'hs_object_id') return comparable(row.key);
  const v = propertiesOf(row)[property];
  return comparable(typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));
}

function tokenMatch(actual: Comparable, pattern: string | undefined): boolean {
  if (actual === null || !pattern) return false;
  const re = new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  const text = String(actual).toLowerCase();
  return re.test(text) || text.split(/[\s,;]+/).some((token) => re.test(token));
}

function matches(row: StoredRecord, object: HubspotObject, f: Filter): boolean {
  const actual = valueOf(row, object, f.propertyName);
  const value = comparable(f.value);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return actual !== null;
    case 'NOT_HAS_PROPERTY':
      return actual === null;
    case 'EQ':
      return actual !== null && compare(actual, value) === 0;
    case 'NEQ':
      return actual === null || compare(actual, value) !== 0;
    case 'LT':
      return actual !== null && compare(actual, value) < 0;
    case 'LTE':
      return actual !== null && compare(actual, value) <= 0;
    case 'GT':
      return actual !== null && compare(actual, value) > 0;
    case 'GTE':
      return actual !== null && compare(actual, value) >= 0;
    case 'BETWEEN':
      return actual !== null && compare(actual, value) >= 0 && compare(actual, comparable(f.highValue)) <= 0;
    case 'IN':
      return actual !== null && (f.values ?? []).some((v) => compare(actual, comparable(v)) === 0);
    case 'NOT_IN':
      return actual === null || !(f.values ?? []).some((v) => compare(actual, comparable(v)) === 0);
    case 'CONTAINS_TOKEN':
      return tokenMatch(actual, f.value);
    case 'NOT_CONTAINS_TOKEN':
      return !tokenMatch(actual, f.value);
  }
}

function queryMatches(row: StoredRecord, object: HubspotObject, query: string): boolean {
  const props = propertiesOf(row);
  const words = query.toLowerCase().split(/\s+/);
  const haystack = HUBSPOT_OBJECTS[object].searchableProperties.map((p) => String(props[p] ?? '').toLowerCase());
  return words.every((w) => haystack.some((h) => h.includes(w)));
}

export interface SearchOutcome {
  total: number;
  page: StoredRecord[];
  nextAfter?: number;
}

export function runSearch(rows: StoredRecord[], object: HubspotObject, req: SearchRequest): SearchOutcome | RecordFailure {
  if (req.after >= HUBSPOT_LIMITS.searchResultCap) {
    return bad(
      `Search results are limited to ${HUBSPOT_LIMITS.searchResultCap} records per query; 'after' (${req.after}) is past that. Narrow the filter instead.`,
    );
  }
  let hits = rows.filter((row) => req.filterGroups.length === 0 || req.filterGroups.some((group) => group.every((f) => matches(row, object, f))));
  if (req.query) hits = hits.filter((row) => queryMatches(row, object, req.query!));
  const sorts = req.sorts.length ? req.sorts : [{ propertyName: 'hs_object_id', descending: false }];
  hits.sort((a, b) => {
    for (const s of sorts) {
      const va = valueOf(a, object, s.propertyName);
      const vb = valueOf(b, object, s.propertyName);
      // Records without a value sort last in either direction.
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
        continue;
      }
      const c = compare(va, vb);
      if (c !== 0) return s.descending ? -c : c;
    }
    return a.seq - b.seq;
  });
  const end = Math.min(req.after + req.limit, HUBSPOT_LIMITS.searchResultCap, hits.length);
  const page = hits.slice(req.after, end);
  return { total: hits.length, page, nextAfter: end < hits.length ? end : undefined };
}
