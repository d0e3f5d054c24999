/**
 * The org's setup as the metadata APIs change it (crm-wire.md §6.1 item 4): Tooling API
 * `CustomField` creates, and the REST sObjects that grant a field to the integration user —
 * `PermissionSet`, `PermissionSetAssignment`, `FieldPermissions`. A field created through the
 * Tooling API has no field permissions, so describe omits it and SOQL naming it is refused
 * with INVALID_FIELD, until a permission set assigned to the API user grants it Read.
 *
 * Queries on these setup objects (`SELECT … FROM PermissionSet WHERE Name = '…'`, and the
 * Tooling API's `… FROM CustomField WHERE TableEnumOrId = 'Contact'`) take equality filters
 * joined by AND: what provisioning asks, not the whole SOQL grammar.
 */
import { json, type EmulatorResponse } from '../../emulator-kit';
import { restError, SfHttpError } from './errors';
import { readObject, type Org, type RouteCall } from './org';
import { OBJECT_NAMES, USER_ID, type FieldDef } from './schema';

type Row = Record<string, string | boolean | null>;

const SETUP_OBJECTS = { PermissionSet: '0PS', PermissionSetAssignment: '0Pa', FieldPermissions: '01k' } as const;
type SetupObject = keyof typeof SETUP_OBJECTS;
const REQUIRED: Record<SetupObject, string[]> = {
  PermissionSet: ['Name', 'Label'],
  PermissionSetAssignment: ['AssigneeId', 'PermissionSetId'],
  FieldPermissions: ['ParentId', 'SobjectType', 'Field'],
};

/** Metadata types a Tooling `CustomField` create may name, as the emulator stores them. */
const FIELD_TYPES: Record<string, FieldDef['type']> = { Text: 'string', Checkbox: 'boolean', Number: 'double', Email: 'email', Phone: 'phone', Url: 'url' };

export class OrgSetup {
  private rows: Record<SetupObject, Row[]> = { PermissionSet: [], PermissionSetAssignment: [], FieldPermissions: [] };
  private counter = 0;

  reset(): void {
    this.rows = { PermissionSet: [], PermissionSetAssignment: [], FieldPermissions: [] };
    this.counter = 0;
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}5g00000${String(this.counter).padStart(5, '0')}AAA`;
  }

  /** `POST /sobjects/{PermissionSet|PermissionSetAssignment|FieldPermissions}`. */
  create(org: Org, object: SetupObject, body: Record<string, unknown>): EmulatorResponse {
    const missing = REQUIRED[object].filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
    if (missing.length) return restError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    const row: Row = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || typeof v === 'boolean') row[k] = v;
    if (object === 'PermissionSet' && this.rows.PermissionSet.some((p) => String(p.Name).toLowerCase() === String(row.Name).toLowerCase()))
      return restError(400, 'DUPLICATE_DEVELOPER_NAME', 'The API Name you entered is already in use. Please enter a unique API Name.', ['Name']);
    if (object === 'PermissionSetAssignment') {
      if (!this.rows.PermissionSet.some((p) => p.Id === row.PermissionSetId))
        return restError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PermissionSetId']);
      if (this.rows.PermissionSetAssignment.some((a) => a.AssigneeId === row.AssigneeId && a.PermissionSetId === row.PermissionSetId))
        return restError(400, 'DUPLICATE_VALUE', 'duplicate value found: Assignee, PermissionSet', ['AssigneeId']);
    }
    if (object === 'FieldPermissions') {
      const problem = this.fieldPermissionProblem(org, row);
      if (problem) return problem;
    }
    row.Id = this.nextId(SETUP_OBJECTS[object]);
    this.rows[object].push(row);
    this.applyGrants(org);
    return json(201, { id: row.Id, success: true, errors: [] });
  }

  private fieldPermissionProblem(org: Org, row: Row): EmulatorResponse | undefined {
    if (!this.rows.PermissionSet.some((p) => p.Id === row.ParentId)) return restError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['ParentId']);
    const [object, field] = String(row.Field).split('.');
    const schema = org.store.schema(String(row.SobjectType));
    if (!schema || object?.toLowerCase() !== schema.name.toLowerCase() || !schema.customDefinitions.some((f) => f.name.toLowerCase() === field?.toLowerCase()))
      return restError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Field Name: bad value for restricted picklist field: ${String(row.Field)}`, ['Field']);
    if (row.PermissionsEdit === true && row.PermissionsRead !== true)
      return restError(400, 'FIELD_INTEGRITY_EXCEPTION', 'Permission Read Field is required when you enable Edit Field.', ['PermissionsRead']);
    return undefined;
  }

  /** Fields a permission set assigned to the API user grants Read become visible to it. */
  private applyGrants(org: Org): void {
    const assigned = new Set(this.rows.PermissionSetAssignment.filter((a) => a.AssigneeId === USER_ID).map((a) => a.PermissionSetId));
    for (const fp of this.rows.FieldPermissions) {
      if (fp.PermissionsRead !== true || !assigned.has(fp.ParentId)) continue;
      const [object, field] = String(fp.Field).split('.');
      org.store.schema(object!)?.grant(field!);
    }
  }

  /** A SOQL query on a setup object, or undefined for any other object (the SOQL engine's). */
  query(org: Org, soql: string, tooling: boolean): EmulatorResponse | undefined {
    const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?\s*$/is.exec(soql);
    const object = m?.[2];
    if (!m || !object) return tooling ? restError(400, 'MALFORMED_QUERY', 'unexpected token in query') : undefined;
    const table = tooling ? (object.toLowerCase() === 'customfield' ? this.customFields(org) : undefined) : this.setupRows(object);
    if (!table) return tooling ? restError(400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`) : undefined;
    const conditions = parseWhere(m[3]);
    const fields = m[1]!.split(',').map((f) => f.trim());
    const matched = table.rows.filter((r) => conditions.every(([k, v]) => String(r[k] ?? '').toLowerCase() === v.toLowerCase()));
    const records = matched.map((r) => ({
      attributes: { type: table.name, url: `/services/data/v59.0/${tooling ? 'tooling/' : ''}sobjects/${table.name}/${String(r.Id)}` },
      ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])),
    }));
    return json(200, { size: records.length, totalSize: records.length, done: true, queryLocator: null, entityTypeName: table.name, records });
  }

  private setupRows(object: string): { name: string; rows: Row[] } | undefined {
    const name = (Object.keys(SETUP_OBJECTS) as SetupObject[]).find((o) => o.toLowerCase() === object.toLowerCase());
    return name ? { name, rows: this.rows[name] } : undefined;
  }

  /** Every custom field of the org, as the Tooling API lists `CustomField` (DeveloperName has no `__c`). */
  private customFields(org: Org): { name: string; rows: Row[] } {
    const rows = OBJECT_NAMES.flatMap((object) =>
      org.store.schema(object)!.customDefinitions.map((f) => ({
        Id: customFieldId(object, f.name),
        DeveloperName: f.name.replace(/__c$/i, ''),
        TableEnumOrId: object,
        FullName: `${object}.${f.name}`,
      })),
    );
    return { name: 'CustomField', rows };
  }
}

/** `Name = 'x' AND SobjectType = 'y'` → pairs; anything else is a MALFORMED_QUERY. */
function parseWhere(where: string | undefined): Array<[string, string]> {
  if (!where) return [];
  return where.split(/\s+AND\s+/i).map((part) => {
    const m = /^\s*(\w+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*$/.exec(part);
    if (!m) throw SfHttpError.of(400, 'MALFORMED_QUERY', `unexpected token: ${part.trim()}`);
    return [m[1]!, m[2]!.replace(/\\(.)/g, '$1')];
  });
}

const customFieldId = (object: string, field: string): string => {
  let h = 0;
  for (const c of `${object}.${field}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `00N5g${String(h).padStart(10, '0').slice(0, 10)}AAA`;
};

/**
 * `POST /tooling/sobjects/CustomField` `{ FullName: "Contact.Junction_Id__c", Metadata: {…} }`:
 * defines the field, not yet granted to anyone.
 */
export function createCustomField(org: Org, body: Record<string, unknown>): EmulatorResponse {
  const fullName = typeof body.FullName === 'string' ? body.FullName : '';
  const m = /^(\w+)\.([A-Za-z][A-Za-z0-9_]*__c)$/.exec(fullName);
  if (!m) return restError(400, 'INVALID_FIELD', 'FullName must be Object.Field__c', ['FullName']);
  const schema = org.store.schema(m[1]!);
  if (!schema) return restError(400, 'INVALID_TYPE', `sObject type '${m[1]}' is not supported.`);
  const meta = (body.Metadata ?? {}) as Record<string, unknown>;
  const type = FIELD_TYPES[String(meta.type)];
  if (!type) return restError(400, 'FIELD_INTEGRITY_EXCEPTION', `Metadata.type must be one of ${Object.keys(FIELD_TYPES).join(', ')}`, ['Metadata']);
  if (typeof meta.label !== 'string' || !meta.label) return restError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Label]', ['Label']);
  const length = typeof meta.length === 'number' ? meta.length : undefined;
  if (type === 'string' && (!length || length < 1 || length > 255)) return restError(400, 'FIELD_INTEGRITY_EXCEPTION', 'Length must be between 1 and 255 for a Text field', ['Length']);
  const def: FieldDef = {
    name: m[2]!,
    type,
    custom: true,
    ...(length && type === 'string' ? { length } : {}),
    ...(meta.externalId === true ? { externalId: true } : {}),
    ...(meta.unique === true ? { unique: true } : {}),
    ...(type === 'boolean' ? { defaultValue: meta.defaultValue === true || meta.defaultValue === 'true' } : {}),
  };
  if (!schema.createCustom(def))
    return restError(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a field named ${def.name.replace(/__c$/i, '')} on ${schema.name}.`, ['FullName']);
  return json(201, { id: customFieldId(schema.name, def.name), success: true, errors: [], warnings: [], infos: [] });
}

/** Routes under `/services/data/vNN.N` the setup owns; undefined leaves the request to the other routes. */
export function setupRoute(call: RouteCall, setup: OrgSetup, rest: string): EmulatorResponse | undefined {
  const { req, org } = call;
  if (rest === '/tooling/sobjects/CustomField' || rest === '/tooling/sobjects/CustomField/')
    return req.method === 'POST' ? createCustomField(org, readObject(req)) : restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are POST`);
  if (/^\/tooling\/query\/?$/.test(rest) && req.method === 'GET') return setup.query(org, req.query.get('q') ?? '', true);
  if (/^\/query\/?$/.test(rest) && req.method === 'GET') return setup.query(org, req.query.get('q') ?? '', false);
  const sobject = /^\/sobjects\/(\w+)\/?$/.exec(rest);
  const object = sobject && (Object.keys(SETUP_OBJECTS) as SetupObject[]).find((o) => o.toLowerCase() === sobject[1]!.toLowerCase());
  if (object && req.method === 'POST') return setup.create(org, object, readObject(req));
  return undefined;
}
