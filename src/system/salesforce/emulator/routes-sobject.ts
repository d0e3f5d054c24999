/**
 * sObject resources (crm-wire.md §1.4): describe, single-record create/retrieve/update/
 * delete and upsert by external id.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/using_resources_working_with_records.htm
 */
import { empty, json, type EmulatorResponse } from '../../emulator-kit';
import { restError, SfHttpError, type SfError } from './errors';
import { readObject, schemaOf, withAttributes, type Route, type RouteCall } from './org';
import type { FieldDef, ObjectSchema } from './schema';
import { picklistCatalogue } from './state-country';
import type { SRecord, WriteOutcome } from './store';

const statusFor = (e: SfError): number => (e.statusCode === 'NOT_FOUND' || e.statusCode === 'ENTITY_IS_DELETED' ? 404 : 400);

/** Answers a failed single-record write the way REST does: a 4xx with every error. */
function writeFailure(outcome: Extract<WriteOutcome, { ok: false }>): EmulatorResponse {
  const first = outcome.errors[0]!;
  return json(
    statusFor(first),
    outcome.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, ...(e.fields.length ? { fields: e.fields } : {}) })),
  );
}

function describeField(f: FieldDef): Record<string, unknown> {
  return {
    name: f.name,
    label: f.name.replace(/__c$/, '').replace(/_/g, ' '),
    type: f.type,
    length: f.length ?? 0,
    custom: f.custom === true,
    externalId: f.externalId === true,
    unique: f.unique === true,
    idLookup: f.type === 'id' || f.externalId === true,
    nillable: !f.required && f.type !== 'boolean' && f.name !== 'Id',
    createable: !f.readOnly,
    updateable: !f.readOnly,
    defaultedOnCreate: f.defaultValue !== undefined || f.readOnly === true,
    defaultValue: f.defaultValue ?? null,
    referenceTo: f.referenceTo ? [f.referenceTo] : f.type === 'reference' ? ['User'] : [],
    calculated: false,
    filterable: true,
    sortable: true,
    ...picklistFacts(f),
  };
}

/** A state or country picklist lists its values; a state picklist depends on its country (`validFor`). */
function picklistFacts(f: FieldDef): Record<string, unknown> {
  if (!f.picklist) return { picklistValues: [], dependentPicklist: false, controllerName: null };
  const cat = picklistCatalogue();
  return {
    picklistValues: f.picklist === 'country' ? cat.countryEntries : cat.stateEntries,
    dependentPicklist: f.picklist === 'state',
    controllerName: f.controllerName ?? null,
    restrictedPicklist: true,
  };
}

export function describeObject(schema: ObjectSchema, version: string): Record<string, unknown> {
  return {
    name: schema.name,
    label: schema.name,
    keyPrefix: ({ Lead: '00Q', Contact: '003', Account: '001' } as const)[schema.name],
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    replicateable: true,
    custom: false,
    urls: { sobject: `/services/data/v${version}/sobjects/${schema.name}`, describe: `/services/data/v${version}/sobjects/${schema.name}/describe` },
    fields: schema.fields.map(describeField),
  };
}

function retrieve(call: RouteCall): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  const record = call.org.store.get(schema.name, call.params[1]!);
  if (!record) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (record.IsDeleted === true) return restError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  const wanted = call.req.query.get('fields');
  return json(200, withAttributes(schema.name, call.version, project(schema, record, wanted)));
}

/** Keeps only `fields=a,b` (unknown names → INVALID_FIELD, as Salesforce answers). */
export function project(schema: ObjectSchema, record: SRecord, wanted: string | null): SRecord {
  if (!wanted) return record;
  const out: SRecord = {};
  for (const name of wanted.split(',').map((s) => s.trim()).filter(Boolean)) {
    const def = schema.field(name);
    if (!def) throw SfHttpError.of(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${schema.name}`);
    out[def.name] = record[def.name] ?? null;
  }
  return out;
}

function externalField(schema: ObjectSchema, name: string): FieldDef | undefined {
  const def = schema.field(name);
  return def && (def.externalId || def.name === 'Id') ? def : undefined;
}

function upsertOne(call: RouteCall): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  const def = externalField(schema, call.params[1]!);
  if (!def) return restError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${call.params[1]}`);
  const value = call.params[2]!;
  const body = readObject(call.req);
  const store = call.org.store;
  const matches = def.name === 'Id' ? [] : store.matchExternal(schema.name, def.name, value);
  if (matches.length > 1) return json(300, matches.map((r) => `/services/data/v${call.version}/sobjects/${schema.name}/${String(r.Id)}`));
  const outcome = store.upsert(schema.name, def.name, value, body);
  if (!outcome.ok) return writeFailure(outcome);
  return json(outcome.created ? 201 : 200, { id: outcome.id, success: true, errors: [], created: outcome.created });
}

function byExternalId(call: RouteCall): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  const def = externalField(schema, call.params[1]!);
  if (!def) return restError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${call.params[1]}`);
  const matches = call.org.store.matchExternal(schema.name, def.name, call.params[2]!);
  if (matches.length === 0) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (matches.length > 1) return json(300, matches.map((r) => `/services/data/v${call.version}/sobjects/${schema.name}/${String(r.Id)}`));
  return json(200, withAttributes(schema.name, call.version, project(schema, matches[0]!, call.req.query.get('fields'))));
}

export const sobjectRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/sobjects\/?$/,
    handle: ({ org, version }) =>
      json(200, {
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: ['Lead', 'Contact', 'Account'].map((n) => ({ name: n, label: n, queryable: true, createable: true, updateable: true, deletable: true, replicateable: true, custom: false, urls: describeObject(schemaOf(org, n), version).urls })),
      }),
  },
  { method: 'GET', pattern: /^\/sobjects\/(\w+)\/describe\/?$/, handle: (c) => json(200, describeObject(schemaOf(c.org, c.params[0]!), c.version)) },
  {
    method: 'GET',
    pattern: /^\/sobjects\/(\w+)\/?$/,
    handle: (c) => {
      const schema = schemaOf(c.org, c.params[0]!);
      const { fields: _fields, ...objectDescribe } = describeObject(schema, c.version);
      return json(200, { objectDescribe, recentItems: [] });
    },
  },
  {
    method: 'POST',
    pattern: /^\/sobjects\/(\w+)\/?$/,
    handle: (c) => {
      const schema = schemaOf(c.org, c.params[0]!);
      const outcome = c.org.store.create(schema.name, readObject(c.req));
      return outcome.ok ? json(201, { id: outcome.id, success: true, errors: [] }) : writeFailure(outcome);
    },
  },
  { method: 'GET', pattern: /^\/sobjects\/(\w+)\/([A-Za-z0-9]{15,18})$/, handle: retrieve },
  {
    method: 'PATCH',
    pattern: /^\/sobjects\/(\w+)\/([A-Za-z0-9]{15,18})$/,
    handle: (c) => {
      const schema = schemaOf(c.org, c.params[0]!);
      const outcome = c.org.store.update(schema.name, c.params[1]!, readObject(c.req));
      return outcome.ok ? empty(204) : writeFailure(outcome);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/sobjects\/(\w+)\/([A-Za-z0-9]{15,18})$/,
    handle: (c) => {
      const schema = schemaOf(c.org, c.params[0]!);
      const outcome = c.org.store.remove(schema.name, c.params[1]!);
      return outcome.ok ? empty(204) : writeFailure(outcome);
    },
  },
  { method: 'PATCH', pattern: /^\/sobjects\/(\w+)\/(\w+)\/([^/]+)$/, handle: upsertOne },
  { method: 'GET', pattern: /^\/sobjects\/(\w+)\/(\w+)\/([^/]+)$/, handle: byExternalId },
];
