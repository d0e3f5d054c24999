/**
 * HubSpot wire shapes, parsed once at the boundary. Envelopes that do not parse are a
 * DATA_FORMAT failure; single records stay loose so a malformed one can be quarantined
 * instead of failing the page (see normalize.ts).
 */
import { SystemError } from '../errors';
import { describeUnparsedAnswer } from '../transport/vendor-text';

/** A CRM object as HubSpot sends it (`SimplePublicObject` / `SimplePublicUpsertObject`). */
export interface WireRecord {
  id: unknown;
  properties: Record<string, unknown>;
  updatedAt: unknown;
  archived: boolean;
  archivedAt: unknown;
  objectWriteTraceId?: string;
  /** Batch upsert only: whether the record was created. */
  isNew?: boolean;
}

export interface ListPage {
  results: WireRecord[];
  /** `paging.next.after`, absent on the last page. */
  nextAfter?: string;
}

export interface SearchPage extends ListPage {
  total: number;
}

export interface ErrorDetail {
  message: string;
  code?: string;
  context?: Record<string, string[]>;
}

/** One entry of a 207's `errors` (`StandardError`). */
export interface BatchError {
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors: ErrorDetail[];
}

export interface BatchAnswer {
  results: WireRecord[];
  errors: BatchError[];
}

export interface TokenAnswer {
  accessToken: string;
  expiresInSeconds: number;
}

/** HubSpot's error body (`status, message, correlationId, category, errors[]`, plus `policyName` on 429s). */
export interface ErrorBody {
  message?: string;
  category?: string;
  policyName?: string;
  status?: string;
  errors: ErrorDetail[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function malformed(what: string): SystemError {
  return new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `HubSpot answered with an unexpected ${what}`);
}

function stringLists(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isObj(v)) return out;
  for (const [k, list] of Object.entries(v)) {
    if (Array.isArray(list)) out[k] = list.map((x) => String(x));
    else if (typeof list === 'string' || typeof list === 'number') out[k] = [String(list)];
  }
  return out;
}

function details(v: unknown): ErrorDetail[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((d) => ({ message: str(d.message) ?? '', code: str(d.code), context: stringLists(d.context) }));
}

export function parseRecord(v: unknown): WireRecord {
  const o = isObj(v) ? v : {};
  return {
    id: o.id,
    properties: isObj(o.properties) ? o.properties : {},
    updatedAt: o.updatedAt,
    archived: o.archived === true,
    archivedAt: o.archivedAt,
    objectWriteTraceId: str(o.objectWriteTraceId),
    isNew: typeof o.new === 'boolean' ? o.new : undefined,
  };
}

function parseResults(body: unknown, what: string): { o: Obj; results: WireRecord[] } {
  if (!isObj(body) || !Array.isArray(body.results)) throw malformed(what);
  return { o: body, results: body.results.map(parseRecord) };
}

function nextAfter(o: Obj): string | undefined {
  const paging = o.paging;
  if (!isObj(paging) || !isObj(paging.next)) return undefined;
  const after = paging.next.after;
  return typeof after === 'string' || typeof after === 'number' ? String(after) : undefined;
}

export function parseListPage(body: unknown): ListPage {
  const { o, results } = parseResults(body, 'list page');
  return { results, nextAfter: nextAfter(o) };
}

export function parseSearchPage(body: unknown): SearchPage {
  const { o, results } = parseResults(body, 'search page');
  return { results, nextAfter: nextAfter(o), total: typeof o.total === 'number' ? o.total : results.length };
}

export function parseBatchAnswer(body: unknown): BatchAnswer {
  const { o, results } = parseResults(body, 'batch answer');
  const errors = Array.isArray(o.errors)
    ? o.errors
        .filter(isObj)
        .map((e) => ({ category: str(e.category) ?? 'UNKNOWN', message: str(e.message) ?? '', context: stringLists(e.context), errors: details(e.errors) }))
    : [];
  return { results, errors };
}

export function parseTokenAnswer(body: unknown): TokenAnswer {
  if (!isObj(body) || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') throw malformed('token answer');
  return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
}

export function parseErrorBody(body: unknown): ErrorBody {
  // An answer that is not HubSpot's error format is never quoted (it may not even be HubSpot's).
  if (!isObj(body)) return { errors: [], message: typeof body === 'string' && body ? describeUnparsedAnswer(body) : undefined };
  return { message: str(body.message), category: str(body.category), policyName: str(body.policyName), status: str(body.status), errors: details(body.errors) };
}

/** `GET /crm/v3/properties/{objectType}`: `{results: [{name, ...}]}`, reduced to the names. */
/** Each property's `type` (string, number, date, datetime, enumeration, bool). */
export function parsePropertyTypes(body: unknown): Record<string, string> {
  if (!isObj(body) || !Array.isArray(body.results)) throw malformed('property list');
  const out: Record<string, string> = {};
  for (const p of body.results.filter(isObj)) if (typeof p.name === 'string') out[p.name] = typeof p.type === 'string' ? p.type : 'unknown';
  return out;
}

export function parsePropertyNames(body: unknown): string[] {
  if (!isObj(body) || !Array.isArray(body.results)) throw malformed('property list');
  return body.results.filter(isObj).map((p) => p.name).filter((n): n is string => typeof n === 'string');
}
