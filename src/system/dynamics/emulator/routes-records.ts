/**
 * Single-row operations: POST create, GET/PATCH/DELETE by GUID or by the `junction_id`
 * alternate key. PATCH upserts a missing row unless `If-Match: *` (then 404), and
 * `If-None-Match: *` makes it create-only (412 when the row exists).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api
 */
import { randomUUID } from 'node:crypto';
import { empty, json, type EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, DYNAMICS_DESCRIPTOR, type DataverseEntitySet } from '../descriptor';
import { CODES, ODATA_HEADERS, badRequest, dataverseError, notFound } from './errors';
import { entityUrl, present, selected } from './present';
import { jsonBody, parseKey, preferences, type DataRequest } from './request';
import { isActiveKey, type DataverseState } from './state';
import type { Row } from './store';
import { validateWrite } from './validate';

const ALT_KEY = DYNAMICS_DESCRIPTOR.externalIdField;

type Located = { row?: Row; id?: string; alt?: string } | { error: EmulatorResponse };

function locate(state: DataverseState, set: DataverseEntitySet, keyText: string): Located {
  const key = parseKey(keyText);
  if (!key) return { error: badRequest(CODES.badSegment, `Bad Request - Error in query syntax: invalid key '${keyText}'.`) };
  if ('id' in key) return { row: state.stores[set].get(key.id), id: key.id };
  if (key.column !== ALT_KEY || !isActiveKey(state, set, key.column)) return { error: badRequest(CODES.badSegment, `The key '${key.column}' is not a valid alternate key on ${DATAVERSE_ENTITIES[set].logicalName}.`) };
  return { row: state.stores[set].findBy(ALT_KEY, key.value), alt: key.value };
}

function written(req: DataRequest, set: DataverseEntitySet, row: Row, created: boolean): EmulatorResponse {
  const url = entityUrl(req.root, set, row.key);
  const headers: Record<string, string> = { ...ODATA_HEADERS, 'OData-EntityId': url, ...(created ? { Location: url } : {}) };
  if (preferences(req.headers.prefer).returnRepresentation) {
    return json(created ? 201 : 200, { '@odata.context': `${req.root}$metadata#${set}/$entity`, ...present(set, row, selected(req.query)) }, {
      ...headers,
      'Preference-Applied': 'return=representation',
    });
  }
  return empty(204, headers);
}

export function createRow(state: DataverseState, set: DataverseEntitySet, req: DataRequest): EmulatorResponse {
  const input = jsonBody(req);
  const result = validateWrite(state, set, input, undefined);
  if ('error' in result) return result.error;
  // A client may choose the GUID of a new row by sending the key column.
  const given = (input as Record<string, unknown>)[DATAVERSE_ENTITIES[set].key];
  const id = typeof given === 'string' && /^[0-9a-f-]{36}$/i.test(given) ? given : randomUUID();
  if (state.stores[set].get(id)) return dataverseError(412, CODES.duplicate, 'Cannot insert duplicate key.');
  return written(req, set, state.stores[set].create(result.values, id), true);
}

export function getRow(state: DataverseState, set: DataverseEntitySet, keyText: string, req: DataRequest): EmulatorResponse {
  const found = locate(state, set, keyText);
  if ('error' in found) return found.error;
  if (!found.row) return notFound(DATAVERSE_ENTITIES[set].logicalName, found.id ?? `${ALT_KEY}='${found.alt}'`);
  return json(200, { '@odata.context': `${req.root}$metadata#${set}/$entity`, ...present(set, found.row, selected(req.query)) }, { ...ODATA_HEADERS });
}

export function updateRow(state: DataverseState, set: DataverseEntitySet, keyText: string, req: DataRequest): EmulatorResponse {
  const found = locate(state, set, keyText);
  if ('error' in found) return found.error;
  const ifMatch = req.headers['if-match'];
  const ifNoneMatch = req.headers['if-none-match'];
  const input = jsonBody(req);
  if (!found.row) {
    if (ifMatch === '*') return notFound(DATAVERSE_ENTITIES[set].logicalName, found.id ?? `${ALT_KEY}='${found.alt}'`);
    const withKey = found.alt !== undefined && typeof input === 'object' && input !== null ? { ...input, [ALT_KEY]: found.alt } : input;
    const result = validateWrite(state, set, withKey, undefined);
    if ('error' in result) return result.error;
    return written(req, set, state.stores[set].create(result.values, found.id), true);
  }
  if (ifNoneMatch === '*') return dataverseError(412, CODES.duplicate, 'A record with matching key values already exists.');
  if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${String(found.row.body.versionnumber)}"`)
    return dataverseError(412, '0x80060882', 'The version of the existing record does not match the RowVersion property provided.');
  const result = validateWrite(state, set, input, found.row);
  if ('error' in result) return result.error;
  return written(req, set, state.stores[set].update(found.row, result.values), false);
}

export function deleteRow(state: DataverseState, set: DataverseEntitySet, keyText: string): EmulatorResponse {
  const found = locate(state, set, keyText);
  if ('error' in found) return found.error;
  if (!found.row) return notFound(DATAVERSE_ENTITIES[set].logicalName, found.id ?? `${ALT_KEY}='${found.alt}'`);
  state.stores[set].delete(found.row);
  return empty(204, { ...ODATA_HEADERS });
}
