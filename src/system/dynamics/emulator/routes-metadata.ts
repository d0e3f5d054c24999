/**
 * Table metadata: a table's columns (what Junction's schema-drift check reads), creating a
 * custom column, deleting one.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-column-definitions-using-web-api
 */
import { createHash } from 'node:crypto';
import { empty, json, type EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import { COLUMNS, JUNCTION_COLUMNS, type ColumnType } from './columns';
import { CODES, ODATA_HEADERS, badRequest, dataverseError } from './errors';
import { selected } from './present';
import { KEYS, keysRoute } from './routes-keys';
import type { DataRequest } from './request';
import type { DataverseState } from './state';

const ATTRIBUTES = /^EntityDefinitions\(LogicalName='(\w+)'\)\/Attributes(?:\(LogicalName='(\w+)'\))?$/;
// Custom columns carry their publisher's prefix: new_badge, cr6b1_badge.
const CUSTOM_SCHEMA_NAME = /^[A-Za-z][A-Za-z0-9]*_[A-Za-z][A-Za-z0-9_]*$/;

const METADATA_TYPE: Record<ColumnType, string> = {
  string: 'StringAttributeMetadata',
  number: 'IntegerAttributeMetadata',
  boolean: 'BooleanAttributeMetadata',
  datetime: 'DateTimeAttributeMetadata',
  guid: 'LookupAttributeMetadata',
};
const COLUMN_TYPE: Record<string, ColumnType> = Object.fromEntries(Object.entries(METADATA_TYPE).map(([k, v]) => [v, k as ColumnType]));

const metadataId = (table: string, column: string) => {
  const h = createHash('sha1').update(`${table}.${column}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export const isMetadataRequest = (resource: string): boolean => resource.startsWith('EntityDefinitions(');

const tableSet = (logicalName: string | undefined): DataverseEntitySet | undefined =>
  logicalName === undefined ? undefined : (Object.keys(DATAVERSE_ENTITIES) as DataverseEntitySet[]).find((s) => DATAVERSE_ENTITIES[s].logicalName === logicalName.toLowerCase());

export function metadataRoute(state: DataverseState, req: DataRequest): EmulatorResponse {
  const keys = KEYS.exec(req.resource);
  const keySet = tableSet(keys?.[1]);
  if (keySet) return keysRoute(state, req, keySet);
  const m = ATTRIBUTES.exec(req.resource);
  const set = tableSet(m?.[1]);
  if (!m || !set) return dataverseError(404, CODES.badSegment, `Resource not found for the segment '${req.resource.split('/')[0]}'.`);
  const table = DATAVERSE_ENTITIES[set].logicalName;
  const column = m[2]?.toLowerCase();
  if (column === undefined && req.method === 'GET') {
    const select = selected(req.query);
    const value = Object.entries(state.columns[set]).map(([stored, type]) => {
      // A lookup's attribute is `parentcustomerid`; `_parentcustomerid_value` is only how rows read it.
      const name = /^_(\w+)_value$/.exec(stored)?.[1] ?? stored;
      const full: Record<string, unknown> = {
        '@odata.type': `#Microsoft.Dynamics.CRM.${name === stored && type === 'guid' ? 'UniqueidentifierAttributeMetadata' : METADATA_TYPE[type]}`,
        LogicalName: name,
        SchemaName: name,
        AttributeType: name === stored && type === 'guid' ? 'Uniqueidentifier' : METADATA_TYPE[type].replace('AttributeMetadata', ''),
        IsCustomAttribute: !(stored in COLUMNS[set]),
        MetadataId: metadataId(table, name),
      };
      // Dataverse always returns MetadataId (the key) and the derived type, selected or not.
      return select ? Object.fromEntries(Object.entries(full).filter(([k]) => select.includes(k) || k === 'MetadataId' || k === '@odata.type')) : full;
    });
    return json(
      200,
      { '@odata.context': `${req.root}$metadata#EntityDefinitions('${table}')/Attributes${select ? `(${select.join(',')})` : ''}`, value },
      { ...ODATA_HEADERS },
    );
  }
  if (column === undefined && req.method === 'POST') {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body || 'null') as Record<string, unknown>;
    } catch {
      return badRequest(CODES.badBody, 'The attribute definition is not valid JSON.');
    }
    const schemaName = body?.SchemaName;
    if (typeof schemaName !== 'string' || !CUSTOM_SCHEMA_NAME.test(schemaName))
      return badRequest(CODES.invalidArgument, 'SchemaName must carry the publisher customization prefix (for example new_Badge).');
    const type = COLUMN_TYPE[String(body['@odata.type'] ?? 'Microsoft.Dynamics.CRM.StringAttributeMetadata').replace(/^#?Microsoft\.Dynamics\.CRM\./, '')];
    if (!type) return badRequest(CODES.invalidArgument, `Attribute type ${String(body['@odata.type'])} is not supported.`);
    const logical = schemaName.toLowerCase();
    if (logical in state.columns[set]) return dataverseError(412, CODES.duplicate, `An attribute with the specified name ${logical} already exists.`);
    state.columns[set][logical] = type;
    state.droppedColumns[set].delete(logical);
    const id = metadataId(table, logical);
    return empty(204, { ...ODATA_HEADERS, 'OData-EntityId': `${req.root}EntityDefinitions(LogicalName='${table}')/Attributes(${id})` });
  }
  if (column !== undefined && req.method === 'DELETE')
    return dropColumn(state, set, column)
      ? empty(204, { ...ODATA_HEADERS })
      : dataverseError(404, CODES.notFound, `Could not find attribute ${column} on ${table}.`);
  return dataverseError(405, CODES.badSegment, `The HTTP method '${req.method}' is not supported here.`);
}

/** Deletes a column definition; the values stay in the rows so a restore brings them back (tests). */
export function dropColumn(state: DataverseState, set: DataverseEntitySet, column: string): boolean {
  const type = state.columns[set][column];
  if (!type || column === DATAVERSE_ENTITIES[set].key) return false;
  delete state.columns[set][column];
  state.droppedColumns[set].set(column, type);
  return true;
}

export function restoreColumn(state: DataverseState, set: DataverseEntitySet, column: string): boolean {
  const type = state.droppedColumns[set].get(column);
  if (!type) return false;
  state.droppedColumns[set].delete(column);
  state.columns[set][column] = type;
  return true;
}

export function defineColumn(state: DataverseState, set: DataverseEntitySet, column: string): boolean {
  if (column in state.columns[set]) return false;
  state.droppedColumns[set].delete(column);
  state.columns[set][column] = JUNCTION_COLUMNS[column] ?? 'string';
  return true;
}
