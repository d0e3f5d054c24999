/**
 * What a Salesforce org needs for Junction, checked live and provisioned through the vendor's
 * own metadata API (crm-wire.md §6.1 item 4):
 * - API access, and read/create/edit on each synced object (describe's object flags);
 * - `Junction_Id__c` (Text, External ID, Unique) and `Junction_Deleted__c` (Checkbox) on each,
 *   created with the Tooling API's `CustomField`;
 * - their field-level security: a field created through the API has no FieldPermissions, so the
 *   integration user cannot see it (describe omits it, SOQL refuses it) until a permission set
 *   assigned to that user grants Read and Edit. Provisioning uses one permission set,
 *   `Junction_Integration`, so removing Junction's access is removing that set.
 */
import { z } from 'zod';
import { alreadyExists, API_ACCESS, failed, noApiAccess, passed, ProvisionProblems, setupReport } from '../setup-checks';
import type { SetupCheck, SetupReport } from '../system-api';
import type { SalesforceRest } from './client';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { parseWire } from './types';

export const PERMISSION_SET = 'Junction_Integration';
const OBJECTS = [...SALESFORCE_DESCRIPTOR.objects.contact, ...SALESFORCE_DESCRIPTOR.objects.company];

interface JunctionField {
  name: string;
  /** What the Tooling API's `Metadata` must say to create it. */
  metadata: Record<string, unknown>;
  /** Whether an existing field of that name is the one Junction needs, and what to do when not. */
  fits(field: DescribedField): boolean;
  shape: string;
}

const JUNCTION_FIELDS: JunctionField[] = [
  {
    name: SALESFORCE_DESCRIPTOR.externalIdField,
    metadata: { label: 'Junction Id', type: 'Text', length: 255, externalId: true, unique: true, caseSensitive: false },
    fits: (f) => f.externalId === true && f.unique === true,
    shape: 'Text(255), External ID, Unique',
  },
  {
    name: SALESFORCE_DESCRIPTOR.deletedFlagField,
    metadata: { label: 'Junction Deleted', type: 'Checkbox', defaultValue: false },
    fits: (f) => f.type === 'boolean',
    shape: 'Checkbox, default unchecked',
  },
];

const DescribedField = z.object({ name: z.string(), type: z.string(), externalId: z.boolean().optional(), unique: z.boolean().optional() });
type DescribedField = z.infer<typeof DescribedField>;
const ObjectDescribe = z.object({
  name: z.string(),
  queryable: z.boolean(),
  createable: z.boolean(),
  updateable: z.boolean(),
  fields: z.array(DescribedField),
});
type ObjectDescribe = z.infer<typeof ObjectDescribe>;
const QueryAnswer = z.object({ records: z.array(z.record(z.string(), z.unknown())) });
const Created = z.object({ id: z.string() });

/** One object as the integration user sees it, plus the custom fields the org defines on it (Tooling API). */
interface ObjectState {
  describe: ObjectDescribe;
  defined: Set<string>;
}

const fieldCheck = (object: string, field: string) => `${object}.${field}`;
const flsCheck = (object: string, field: string) => `${object}.${field} field-level security`;
const objectCheck = (object: string) => `${object}: read and write`;

async function inspect(rest: SalesforceRest): Promise<Map<string, ObjectState> | SetupReport> {
  const states = new Map<string, ObjectState>();
  try {
    for (const object of OBJECTS) {
      const describe = parseWire(ObjectDescribe, (await rest.get(`/sobjects/${object}/describe`)).body, 'describe');
      const soql = `SELECT Id, DeveloperName FROM CustomField WHERE TableEnumOrId = '${object}'`;
      const answer = parseWire(QueryAnswer, (await rest.get(`/tooling/query?q=${encodeURIComponent(soql)}`)).body, 'tooling query');
      const defined = new Set(answer.records.map((r) => `${String(r.DeveloperName)}__c`.toLowerCase()));
      states.set(object, { describe, defined });
    }
  } catch (err) {
    return noApiAccess('Salesforce', err, 'Check the connected app, and give the integration user the API Enabled and View Setup and Configuration permissions.');
  }
  return states;
}

function checksOf(states: Map<string, ObjectState>, apiVersion: string): SetupCheck[] {
  const checks: SetupCheck[] = [passed(API_ACCESS, `The REST and Tooling APIs answer (v${apiVersion}).`)];
  for (const [object, { describe, defined }] of states) {
    const lacking = (['queryable', 'createable', 'updateable'] as const).filter((flag) => !describe[flag]);
    checks.push(
      lacking.length
        ? failed(objectCheck(object), `The integration user lacks ${lacking.map((f) => ({ queryable: 'Read', createable: 'Create', updateable: 'Edit' })[f]).join(', ')} on ${object}: grant them in its profile or a permission set.`, false)
        : passed(objectCheck(object), `The integration user can read, create and edit ${object} records.`),
    );
    for (const field of JUNCTION_FIELDS) {
      const visible = describe.fields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
      const exists = visible !== undefined || defined.has(field.name.toLowerCase());
      if (!exists) checks.push(failed(fieldCheck(object, field.name), `${object} has no field ${field.name}: provisioning creates it (${field.shape}) through the Tooling API, which needs the Customize Application permission.`, true));
      else if (visible && !field.fits(visible))
        checks.push(failed(fieldCheck(object, field.name), `${object}.${field.name} exists but is not ${field.shape}: change it in Setup (Object Manager → ${object} → Fields & Relationships).`, false));
      else checks.push(passed(fieldCheck(object, field.name), `${object}.${field.name} exists (${field.shape}).`));
      checks.push(
        visible
          ? passed(flsCheck(object, field.name), `The integration user can read and edit ${object}.${field.name}.`)
          : failed(flsCheck(object, field.name), `The integration user cannot see ${object}.${field.name}: provisioning grants Read and Edit through the permission set ${PERMISSION_SET}, assigned to that user.`, true),
      );
    }
  }
  return checks;
}

export async function checkSalesforceSetup(rest: SalesforceRest): Promise<SetupReport> {
  const states = await inspect(rest);
  return states instanceof Map ? setupReport(checksOf(states, rest.apiVersion)) : states;
}

export async function provisionSalesforce(rest: SalesforceRest): Promise<SetupReport> {
  const states = await inspect(rest);
  if (!(states instanceof Map)) return states;
  const problems = new ProvisionProblems();
  const ungranted: Array<{ object: string; field: string }> = [];
  for (const [object, { describe, defined }] of states) {
    for (const field of JUNCTION_FIELDS) {
      if (describe.fields.some((f) => f.name.toLowerCase() === field.name.toLowerCase())) continue;
      ungranted.push({ object, field: field.name });
      if (defined.has(field.name.toLowerCase())) continue;
      await problems.attempt(fieldCheck(object, field.name), () => createField(rest, object, field));
    }
  }
  if (ungranted.length) {
    let grantTo: string | undefined;
    await problems.attempt(flsCheck(ungranted[0]!.object, ungranted[0]!.field), async () => {
      grantTo = await assignedPermissionSet(rest);
    });
    for (const { object, field } of ungranted)
      if (grantTo) await problems.attempt(flsCheck(object, field), () => grantField(rest, grantTo!, object, field));
  }
  return problems.annotate(await checkSalesforceSetup(rest));
}

async function createField(rest: SalesforceRest, object: string, field: JunctionField): Promise<void> {
  try {
    await rest.call({ method: 'POST', path: '/tooling/sobjects/CustomField', body: { FullName: `${object}.${field.name}`, Metadata: field.metadata }, idempotent: false });
  } catch (err) {
    if (!alreadyExists(err, ['DUPLICATE_DEVELOPER_NAME', 'DUPLICATE_VALUE'])) throw err;
  }
}

/** The Junction permission set's id, created and assigned to the integration user when it is not yet. */
async function assignedPermissionSet(rest: SalesforceRest): Promise<string> {
  const found = await query(rest, `SELECT Id FROM PermissionSet WHERE Name = '${PERMISSION_SET}'`);
  const setId =
    (found[0]?.Id as string | undefined) ??
    parseWire(Created, (await rest.call({ method: 'POST', path: '/sobjects/PermissionSet', body: { Name: PERMISSION_SET, Label: 'Junction Integration' }, idempotent: false })).body, 'create').id;
  const userId = parseWire(z.object({ user_id: z.string() }), (await rest.get('/services/oauth2/userinfo')).body, 'userinfo').user_id;
  const assigned = await query(rest, `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId}' AND PermissionSetId = '${setId}'`);
  if (!assigned.length) await rest.call({ method: 'POST', path: '/sobjects/PermissionSetAssignment', body: { AssigneeId: userId, PermissionSetId: setId }, idempotent: false });
  return setId;
}

async function grantField(rest: SalesforceRest, permissionSetId: string, object: string, field: string): Promise<void> {
  const body = { ParentId: permissionSetId, SobjectType: object, Field: `${object}.${field}`, PermissionsRead: true, PermissionsEdit: true };
  try {
    await rest.call({ method: 'POST', path: '/sobjects/FieldPermissions', body, idempotent: false });
  } catch (err) {
    if (!alreadyExists(err, ['DUPLICATE_VALUE'])) throw err;
  }
}

async function query(rest: SalesforceRest, soql: string): Promise<Array<Record<string, unknown>>> {
  return parseWire(QueryAnswer, (await rest.get(`/query?q=${encodeURIComponent(soql)}`)).body, 'query').records;
}
