/**
 * sObject Collections (crm-wire.md §1.4): create/update/delete/retrieve/upsert up to 200
 * records per call, 200 with an array of SaveResults even when some fail, and
 * all-or-none rollback when asked.
 * https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-create.html
 */
import { json, type EmulatorResponse } from '../../emulator-kit';
import { restError, sfError, SfHttpError, type SfError } from './errors';
import { readObject, schemaOf, withAttributes, type Org, type Route, type RouteCall } from './org';
import { project } from './routes-sobject';
import type { ObjectName } from './schema';
import type { WriteOutcome } from './store';

export const MAX_COLLECTION = 200;
const LIMIT_MESSAGE = `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`;

interface SaveResult {
  id?: string;
  success: boolean;
  errors: SfError[];
  created?: boolean;
}

function readCollection(call: RouteCall): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const body = readObject(call.req);
  if (!Array.isArray(body.records) || body.records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r)))
    throw SfHttpError.of(400, 'JSON_PARSER_ERROR', 'records must be an array of sObjects');
  if (body.records.length > MAX_COLLECTION) throw SfHttpError.of(400, 'EXCEEDED_ID_LIMIT', LIMIT_MESSAGE);
  return { allOrNone: body.allOrNone === true, records: body.records as Record<string, unknown>[] };
}

/** The record's `attributes.type`, resolved to a served object. */
function typeOf(org: Org, record: Record<string, unknown>): ObjectName | SfError {
  const attrs = record.attributes as { type?: unknown } | undefined;
  if (typeof attrs?.type !== 'string') return sfError('INVALID_TYPE', 'Must send a concrete entity type.');
  return org.store.schema(attrs.type)?.name ?? sfError('INVALID_TYPE', `sObject type '${attrs.type}' is not supported.`);
}

const toResult = (o: WriteOutcome, withCreated: boolean): SaveResult =>
  o.ok ? { id: o.id, success: true, errors: [], ...(withCreated ? { created: o.created } : {}) } : { ...(o.id ? { id: o.id } : {}), success: false, errors: o.errors };

/** Runs each record in order; with allOrNone, any failure rolls every write back. */
function inTransaction(org: Org, allOrNone: boolean, work: () => SaveResult[]): EmulatorResponse {
  const before = allOrNone ? org.store.snapshot() : undefined;
  const results = work();
  if (before && results.some((r) => !r.success)) {
    org.store.restore(before);
    const rolledBack = sfError('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header');
    return json(200, results.map((r) => (r.success ? { success: false, errors: [rolledBack] } : { success: false, errors: r.errors })));
  }
  return json(200, results);
}

function create(call: RouteCall): EmulatorResponse {
  const { allOrNone, records } = readCollection(call);
  return inTransaction(call.org, allOrNone, () =>
    records.map((rec) => {
      const type = typeOf(call.org, rec);
      if (typeof type !== 'string') return { success: false, errors: [type] };
      return toResult(call.org.store.create(type, rec), false);
    }),
  );
}

function update(call: RouteCall): EmulatorResponse {
  const { allOrNone, records } = readCollection(call);
  return inTransaction(call.org, allOrNone, () =>
    records.map((rec) => {
      const type = typeOf(call.org, rec);
      if (typeof type !== 'string') return { success: false, errors: [type] };
      const { id, Id, ...fields } = rec;
      const key = typeof id === 'string' ? id : typeof Id === 'string' ? Id : undefined;
      if (!key) return { success: false, errors: [sfError('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id'])] };
      return toResult(call.org.store.update(type, key, fields), false);
    }),
  );
}

function destroy(call: RouteCall): EmulatorResponse {
  const ids = (call.req.query.get('ids') ?? '').split(',').filter(Boolean);
  if (ids.length === 0) return restError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
  if (ids.length > MAX_COLLECTION) return restError(400, 'EXCEEDED_ID_LIMIT', LIMIT_MESSAGE);
  return inTransaction(call.org, call.req.query.get('allOrNone') === 'true', () =>
    ids.map((id) => {
      const type = call.org.store.typeOfId(id);
      if (!type) return { id, success: false, errors: [sfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id')] };
      return toResult(call.org.store.remove(type, id), false);
    }),
  );
}

function upsert(call: RouteCall): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  const def = schema.field(call.params[1]!);
  if (!def || !(def.externalId || def.name === 'Id'))
    return restError(400, 'INVALID_FIELD', `Field name provided, ${call.params[1]} does not match an External ID, Salesforce Id, or indexed field for ${schema.name}`);
  const { allOrNone, records } = readCollection(call);
  const valueOf = (rec: Record<string, unknown>): string | undefined => {
    const key = Object.keys(rec).find((k) => k.toLowerCase() === def.name.toLowerCase());
    const v = key === undefined ? undefined : rec[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const seen = new Map<string, number>();
  for (const rec of records) {
    const v = valueOf(rec)?.toLowerCase();
    if (v !== undefined) seen.set(v, (seen.get(v) ?? 0) + 1);
  }
  return inTransaction(call.org, allOrNone, () =>
    records.map((rec) => {
      const type = typeOf(call.org, rec);
      if (typeof type !== 'string') return { success: false, errors: [type] };
      if (type !== schema.name) return { success: false, errors: [sfError('INVALID_TYPE', `Record type ${type} does not match ${schema.name}`)] };
      const value = valueOf(rec);
      if (!value) return { success: false, errors: [sfError('MISSING_ARGUMENT', `${def.name} not specified`, [def.name])] };
      if ((seen.get(value.toLowerCase()) ?? 0) > 1) return { success: false, errors: [sfError('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [def.name])] };
      return toResult(call.org.store.upsert(type, def.name, value, rec), true);
    }),
  );
}

/** Retrieve many by id: an array with the record, or null where none exists. */
function retrieve(call: RouteCall, ids: unknown, fields: unknown): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  if (!Array.isArray(ids) || !Array.isArray(fields) || ![...ids, ...fields].every((v) => typeof v === 'string'))
    return restError(400, 'JSON_PARSER_ERROR', 'ids and fields must be arrays of strings');
  if (ids.length > 2000) return restError(400, 'EXCEEDED_ID_LIMIT', 'cannot retrieve more than 2000 records');
  const wanted = (fields as string[]).join(',');
  return json(
    200,
    (ids as string[]).map((id) => {
      const r = call.org.store.get(schema.name, id);
      return r && r.IsDeleted !== true ? withAttributes(schema.name, call.version, project(schema, r, wanted)) : null;
    }),
  );
}

export const compositeRoutes: Route[] = [
  { method: 'POST', pattern: /^\/composite\/sobjects\/?$/, handle: create },
  { method: 'PATCH', pattern: /^\/composite\/sobjects\/?$/, handle: update },
  { method: 'DELETE', pattern: /^\/composite\/sobjects\/?$/, handle: destroy },
  {
    method: 'POST',
    pattern: /^\/composite\/sobjects\/(\w+)\/?$/,
    handle: (c) => {
      const body = readObject(c.req);
      return retrieve(c, body.ids, body.fields);
    },
  },
  {
    method: 'GET',
    pattern: /^\/composite\/sobjects\/(\w+)\/?$/,
    handle: (c) => retrieve(c, (c.req.query.get('ids') ?? '').split(',').filter(Boolean), (c.req.query.get('fields') ?? '').split(',').filter(Boolean)),
  },
  { method: 'PATCH', pattern: /^\/composite\/sobjects\/(\w+)\/(\w+)\/?$/, handle: upsert },
];
