/**
 * REST query and queryMore (crm-wire.md §1.3): `/query?q=`, `/queryAll?q=` and
 * `/query|queryAll/{locator}`. jsforce rebuilds the next URL from the last path segment,
 * so locators never contain `/`, and it always rebuilds under `/query/`.
 */
import { randomBytes } from 'node:crypto';
import { json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { QUERY_BATCH } from '../descriptor';
import { restError, SfHttpError } from './errors';
import { withAttributes, type Org, type Route, type RouteCall } from './org';
import { compileSoql, runQuery, SoqlError } from './soql-eval';
import type { ObjectName } from './schema';
import type { SRecord } from './store';

const MAX_OPEN_CURSORS = 500;

/** Runs SOQL against the store; `includeDeleted` is the queryAll switch. */
export function executeSoql(org: Org, soql: string, includeDeleted: boolean): { rows: SRecord[]; object: ObjectName; columns: string[] } {
  try {
    const bound = compileSoql(soql, (name) => org.store.schema(name));
    const rows = org.store.all(bound.schema.name).filter((r) => includeDeleted || r.IsDeleted !== true);
    return { rows: runQuery(bound, rows), object: bound.schema.name, columns: bound.fields.map((f) => f.name) };
  } catch (err) {
    if (err instanceof SoqlError) throw new SfHttpError(restError(400, err.errorCode, err.message));
    throw err;
  }
}

function batchSize(req: EmulatorRequest): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(String(req.headers['sforce-query-options'] ?? ''));
  if (!m) return QUERY_BATCH.default;
  return Math.min(QUERY_BATCH.max, Math.max(QUERY_BATCH.min, Number(m[1])));
}

function page(org: Org, call: RouteCall, locatorId: string, offset: number): EmulatorResponse {
  const cursor = org.cursors.get(locatorId)!;
  const end = Math.min(cursor.rows.length, offset + cursor.batchSize);
  const done = end >= cursor.rows.length;
  const records = cursor.rows.slice(offset, end).map((r) => withAttributes(cursor.object, call.version, r));
  return json(200, {
    totalSize: cursor.rows.length,
    done,
    ...(done ? {} : { nextRecordsUrl: `/services/data/v${call.version}/query/${locatorId}-${end}` }),
    records,
  });
}

function startQuery(call: RouteCall, includeDeleted: boolean): EmulatorResponse {
  const q = call.req.query.get('q');
  if (!q || !q.trim()) return restError(400, 'MALFORMED_QUERY', 'A query string must be provided via the q parameter');
  const { rows, object } = executeSoql(call.org, q, includeDeleted);
  const locatorId = `01g${randomBytes(8).toString('hex').slice(0, 12).toUpperCase()}AAA`;
  call.org.cursors.set(locatorId, { rows, object, batchSize: batchSize(call.req) });
  while (call.org.cursors.size > MAX_OPEN_CURSORS) call.org.cursors.delete(call.org.cursors.keys().next().value!);
  return page(call.org, call, locatorId, 0);
}

function queryMore(call: RouteCall): EmulatorResponse {
  const m = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(call.params[0]!);
  if (!m || !call.org.cursors.has(m[1]!)) return restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return page(call.org, call, m[1]!, Number(m[2]));
}

export const queryRoutes: Route[] = [
  { method: 'GET', pattern: /^\/query\/?$/, handle: (c) => startQuery(c, false) },
  { method: 'GET', pattern: /^\/queryAll\/?$/, handle: (c) => startQuery(c, true) },
  { method: 'GET', pattern: /^\/query\/([^/]+)$/, handle: queryMore },
  { method: 'GET', pattern: /^\/queryAll\/([^/]+)$/, handle: queryMore },
];
