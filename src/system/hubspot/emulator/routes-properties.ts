/**
 * The Properties API: list an object's properties (what Junction's schema-drift check reads),
 * create a custom one, archive one.
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
 */
import { empty, json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { resolveObject } from '../descriptor';
import { errorResponse, validationError } from './errors';
import { propertyWire, type PropertyDef } from './properties';
import { isoNow, type HubspotState } from './state';

const PROPERTY_NAME = /^[a-z][a-z0-9_]*$/;
// crm-wire.md §6.2 item 10: what a property create must name, and HubSpot's limit on unique ones.
const REQUIRED = ['label', 'type', 'fieldType', 'groupName'] as const;
const TYPES: ReadonlySet<string> = new Set(['bool', 'date', 'datetime', 'enumeration', 'number', 'phone_number', 'string']);
const MAX_UNIQUE = 10;

export function propertiesRoute(state: HubspotState, req: EmulatorRequest): EmulatorResponse | undefined {
  const m = /^\/crm\/v3\/properties\/([^/]+)(?:\/([^/]+))?$/.exec(req.path);
  if (!m) return undefined;
  const object = resolveObject(m[1]!);
  if (!object) return errorResponse(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${m[1]}`);
  const store = state.stores[object];
  const name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  const at = isoNow(state);
  if (name === undefined && req.method === 'GET') return json(200, { results: store.properties.list().map((p) => propertyWire(p, at)) });
  if (name === undefined && req.method === 'POST') {
    const body = req.json() as Partial<PropertyDef> | null;
    if (typeof body?.name !== 'string' || !PROPERTY_NAME.test(body.name))
      return validationError('Property name must be lower-case letters, digits and underscores, starting with a letter');
    const missing = REQUIRED.filter((f) => typeof body[f] !== 'string' || body[f] === '');
    if (missing.length) return validationError(`Property definition is missing required fields: ${missing.join(', ')}`);
    if (!TYPES.has(String(body.type))) return validationError(`type must be one of ${[...TYPES].join(', ')}, got ${String(body.type)}`);
    if (body.hasUniqueValue !== undefined && typeof body.hasUniqueValue !== 'boolean') return validationError('hasUniqueValue must be true or false');
    if (body.hasUniqueValue && store.properties.list().filter((p) => p.hasUniqueValue).length >= MAX_UNIQUE)
      return validationError(`An object can have at most ${MAX_UNIQUE} unique value properties.`);
    const created = store.properties.create(body.name, body);
    if (!created) return errorResponse(409, 'OBJECT_ALREADY_EXISTS', `A property named '${body.name}' already exists.`);
    return json(201, propertyWire(created, at), { Location: `/crm/v3/properties/${object}/${created.name}` });
  }
  if (name !== undefined && req.method === 'GET') {
    const p = store.properties.get(name);
    return p ? json(200, propertyWire(p, at)) : errorResponse(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} for object type ${object}`);
  }
  if (name !== undefined && req.method === 'DELETE') {
    return store.archiveProperty(name) ? empty(204) : errorResponse(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} for object type ${object}`);
  }
  return errorResponse(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported on ${req.path}`);
}
