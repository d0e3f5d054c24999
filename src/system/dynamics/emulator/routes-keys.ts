/**
 * Alternate keys (crm-wire.md §6.3 item 17): `POST EntityDefinitions(LogicalName='contact')/Keys`
 * defines one, `GET …/Keys` lists them with `EntityKeyIndexStatus`. Dataverse builds the key's
 * index asynchronously; here each listing moves a building index one step on (Pending →
 * InProgress → Active), so a client that polls, as it must, sees it become Active — and rows
 * can be addressed by the key (`contacts(junction_id='…')`) only then.
 * https://learn.microsoft.com/power-apps/developer/data-platform/define-alternate-keys-entity
 */
import { randomUUID } from 'node:crypto';
import { empty, json, type EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import { CODES, ODATA_HEADERS, badRequest, dataverseError } from './errors';
import type { DataRequest } from './request';
import type { AlternateKey, DataverseState } from './state';

export const KEYS = /^EntityDefinitions\(LogicalName='(\w+)'\)\/Keys$/;
const MAX_KEYS = 10;
const NEXT: Record<AlternateKey['EntityKeyIndexStatus'], AlternateKey['EntityKeyIndexStatus']> = { Pending: 'InProgress', InProgress: 'Active', Active: 'Active', Failed: 'Failed' };

export function keysRoute(state: DataverseState, req: DataRequest, set: DataverseEntitySet): EmulatorResponse {
  const table = DATAVERSE_ENTITIES[set].logicalName;
  const keys = state.keys[set];
  if (req.method === 'GET') {
    const value = [...keys.values()].map((k) => ({ ...k }));
    for (const k of keys.values()) k.EntityKeyIndexStatus = NEXT[k.EntityKeyIndexStatus];
    return json(200, { '@odata.context': `${req.root}$metadata#EntityDefinitions('${table}')/Keys`, value }, { ...ODATA_HEADERS });
  }
  if (req.method !== 'POST') return dataverseError(405, CODES.badSegment, `The HTTP method '${req.method}' is not supported here.`);
  let body: Record<string, unknown> | null;
  try {
    body = JSON.parse(req.body || 'null') as Record<string, unknown> | null;
  } catch {
    return badRequest(CODES.badBody, 'The key definition is not valid JSON.');
  }
  const schemaName = body?.SchemaName;
  const attributes = body?.KeyAttributes;
  if (typeof schemaName !== 'string' || !/^[A-Za-z][A-Za-z0-9]*_\w+$/.test(schemaName))
    return badRequest(CODES.invalidArgument, 'SchemaName must carry the publisher customization prefix (for example new_contact_key).');
  if (!Array.isArray(attributes) || attributes.length === 0 || attributes.length > 16 || !attributes.every((a) => typeof a === 'string'))
    return badRequest(CODES.invalidArgument, 'KeyAttributes must name between 1 and 16 columns.');
  const unknown = (attributes as string[]).find((a) => !(a.toLowerCase() in state.columns[set]));
  if (unknown) return badRequest(CODES.invalidArgument, `Could not find attribute ${unknown} on ${table}.`);
  if (keys.has(schemaName.toLowerCase())) return dataverseError(412, CODES.duplicate, `An entity key with the specified name ${schemaName} already exists.`);
  if (keys.size >= MAX_KEYS) return badRequest(CODES.invalidArgument, `The entity ${table} already has the maximum number of keys (${MAX_KEYS}).`);
  const key: AlternateKey = {
    SchemaName: schemaName,
    LogicalName: schemaName.toLowerCase(),
    KeyAttributes: (attributes as string[]).map((a) => a.toLowerCase()),
    EntityKeyIndexStatus: 'Pending',
    MetadataId: randomUUID(),
  };
  keys.set(key.LogicalName, key);
  return empty(204, { ...ODATA_HEADERS, 'OData-EntityId': `${req.root}EntityDefinitions(LogicalName='${table}')/Keys(${key.MetadataId})` });
}
