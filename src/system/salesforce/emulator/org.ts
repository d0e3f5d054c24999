/**
 * Shared state of one emulated org, handed to every route module, plus the small
 * helpers routes use to read requests and shape records.
 */
import type { EmulatorClock, EmulatorRequest, EmulatorResponse, MonotonicStamp, QuotaState } from '../../emulator-kit';
import { SfHttpError, NOT_FOUND_MESSAGE } from './errors';
import type { BulkJobs } from './bulk-jobs';
import type { ObjectName, ObjectSchema } from './schema';
import type { SObjectStore, SRecord } from './store';

export interface Org {
  store: SObjectStore;
  clock: EmulatorClock;
  stamp: MonotonicStamp;
  jobs: BulkJobs;
  /** Open query cursors by locator id. */
  cursors: Map<string, QueryCursor>;
  /** Latest quota figures, captured from `usageHeaders` (see `limits` in routes-misc). */
  quota: () => QuotaState;
}

export interface QueryCursor {
  rows: SRecord[];
  object: ObjectName;
  batchSize: number;
}

export interface RouteCall {
  req: EmulatorRequest;
  /** API version from the path, e.g. `59.0`. */
  version: string;
  /** Capture groups of the route pattern. */
  params: string[];
  org: Org;
}

export interface Route {
  method: string;
  /** Matched against the path after `/services/data/vNN.N`. */
  pattern: RegExp;
  handle(call: RouteCall): EmulatorResponse;
}

/** Parses the JSON body, answering Salesforce's JSON_PARSER_ERROR when it is malformed. */
export function readJson(req: EmulatorRequest): unknown {
  try {
    return req.json();
  } catch (err) {
    throw SfHttpError.of(400, 'JSON_PARSER_ERROR', (err as Error).message.replace(/^malformed JSON body: /, ''));
  }
}

export function readObject(req: EmulatorRequest): Record<string, unknown> {
  const body = readJson(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw SfHttpError.of(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of object from a non-object JSON value');
  return body as Record<string, unknown>;
}

/** The sObject named in a path, or Salesforce's 404. */
export function schemaOf(org: Org, name: string): ObjectSchema {
  const schema = org.store.schema(name);
  if (!schema) throw SfHttpError.of(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
  return schema;
}

/** A record as the REST API shows it: `attributes` first, then the fields. */
export function withAttributes(type: ObjectName, version: string, record: SRecord): Record<string, unknown> {
  const id = typeof record.Id === 'string' ? record.Id : '';
  return { attributes: { type, url: `/services/data/v${version}/sobjects/${type}/${id}` }, ...record };
}
