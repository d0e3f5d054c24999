/**
 * What a Dataverse org needs for Junction, checked live and provisioned through its metadata
 * Web API (crm-wire.md §6.3 item 17): API access, read on contacts and accounts, Junction's
 * columns `junction_id` (text) and `junction_deleted` (yes/no) on each, and an alternate key
 * on `junction_id` — the key Junction's upserts address rows by (`contacts(junction_id='…')`),
 * usable only once Dataverse has built its index (`EntityKeyIndexStatus` Active). The columns
 * carry the `junction` publisher prefix, so the org needs a publisher with that prefix.
 */
import { SystemError } from '../errors';
import { alreadyExists, API_ACCESS, failed, noApiAccess, passed, ProvisionProblems, setupReport } from '../setup-checks';
import type { SetupCheck, SetupReport } from '../system-api';
import type { DataverseClient } from './client';
import { DATAVERSE_ENTITIES, DYNAMICS_DESCRIPTOR, type SyncedEntitySet } from './descriptor';

const TABLES: SyncedEntitySet[] = ['contacts', 'accounts'];
const ID = DYNAMICS_DESCRIPTOR.externalIdField;
const FLAG = DYNAMICS_DESCRIPTOR.deletedFlagField;
const DUPLICATE = ['0x80040237', 'DUPLICATE'];

const label = (text: string) => ({
  '@odata.type': 'Microsoft.Dynamics.CRM.Label',
  LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: 1033 }],
});
const NOT_REQUIRED = { Value: 'None', CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' };

interface JunctionColumn {
  name: string;
  /** The attribute metadata type the column must have (`String`, `Boolean`). */
  type: string;
  definition: Record<string, unknown>;
  shape: string;
}

const COLUMNS: JunctionColumn[] = [
  {
    name: ID,
    type: 'String',
    shape: 'single line of text, 100',
    definition: {
      '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
      AttributeType: 'String',
      AttributeTypeName: { Value: 'StringType' },
      SchemaName: ID,
      MaxLength: 100,
      FormatName: { Value: 'Text' },
      DisplayName: label('Junction Id'),
      RequiredLevel: NOT_REQUIRED,
    },
  },
  {
    name: FLAG,
    type: 'Boolean',
    shape: 'yes/no, default no',
    definition: {
      '@odata.type': 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata',
      AttributeType: 'Boolean',
      AttributeTypeName: { Value: 'BooleanType' },
      SchemaName: FLAG,
      DefaultValue: false,
      OptionSet: { TrueOption: { Value: 1, Label: label('Yes') }, FalseOption: { Value: 0, Label: label('No') } },
      DisplayName: label('Junction Deleted'),
      RequiredLevel: NOT_REQUIRED,
    },
  },
];

interface KeyState {
  SchemaName: string;
  KeyAttributes: string[];
  EntityKeyIndexStatus: string;
}

interface TableState {
  types: Record<string, string>;
  key: KeyState | undefined;
}

const keyName = (logicalName: string) => `junction_${logicalName}_junctionid_key`;
const entity = (set: SyncedEntitySet) => `EntityDefinitions(LogicalName='${DATAVERSE_ENTITIES[set].logicalName}')`;
const columnCheck = (set: SyncedEntitySet, column: string) => `${DATAVERSE_ENTITIES[set].logicalName}.${column}`;
const keyCheck = (set: SyncedEntitySet) => `${DATAVERSE_ENTITIES[set].logicalName} alternate key on ${ID}`;

async function junctionKey(client: DataverseClient, set: SyncedEntitySet): Promise<KeyState | undefined> {
  const answer = await client.metadata('GET', `${entity(set)}/Keys?$select=SchemaName,KeyAttributes,EntityKeyIndexStatus`);
  const keys = ((answer.body as { value?: unknown } | null)?.value ?? []) as KeyState[];
  if (!Array.isArray(keys)) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', 'unexpected key metadata from Dataverse');
  return keys.find((k) => Array.isArray(k.KeyAttributes) && k.KeyAttributes.length === 1 && k.KeyAttributes[0]?.toLowerCase() === ID);
}

async function inspect(client: DataverseClient): Promise<Map<SyncedEntitySet, TableState> | SetupReport> {
  const tables = new Map<SyncedEntitySet, TableState>();
  try {
    await client.whoAmI();
    for (const set of TABLES) {
      await client.page(`${set}?$select=${DATAVERSE_ENTITIES[set].key}`, { maxPageSize: 1 });
      tables.set(set, { types: await client.attributeTypes(DATAVERSE_ENTITIES[set].logicalName), key: await junctionKey(client, set) });
    }
  } catch (err) {
    return noApiAccess('Dataverse', err, 'Check the application user: it needs a security role with Read, Create and Write on contacts and accounts, and System Customizer to create columns and keys.');
  }
  return tables;
}

function checksOf(tables: Map<SyncedEntitySet, TableState>): SetupCheck[] {
  const checks: SetupCheck[] = [passed(API_ACCESS, 'The Web API answers (WhoAmI).')];
  for (const [set, { types, key }] of tables) {
    const table = DATAVERSE_ENTITIES[set].logicalName;
    checks.push(passed(`${table}: read and write`, `The application user can read ${set}; writing needs Create and Write on ${table} in its security role.`));
    for (const column of COLUMNS) {
      const type = types[column.name];
      const name = columnCheck(set, column.name);
      if (!type) checks.push(failed(name, `${table} has no column ${column.name}: provisioning creates it (${column.shape}) through the metadata API; the org needs a publisher with the prefix "junction".`, true));
      else if (type !== column.type) checks.push(failed(name, `${table}.${column.name} exists but is ${type}, not ${column.shape}: fix or delete it in the maker portal.`, false));
      else checks.push(passed(name, `${table} has ${column.name} (${column.shape}).`));
    }
    const name = keyCheck(set);
    if (!key) checks.push(failed(name, `${table} has no alternate key on ${ID}: provisioning creates ${keyName(table)} and waits for its index.`, true));
    else if (key.EntityKeyIndexStatus === 'Active') checks.push(passed(name, `${key.SchemaName} is Active.`));
    else if (key.EntityKeyIndexStatus === 'Failed')
      checks.push(failed(name, `The index of ${key.SchemaName} failed to build (duplicate ${ID} values?): fix the data, then reactivate the key (ReactivateEntityKey).`, false));
    else checks.push(failed(name, `The index of ${key.SchemaName} is ${key.EntityKeyIndexStatus}: Dataverse is still building it; provisioning waits for it.`, true));
  }
  return checks;
}

export async function checkDataverseSetup(client: DataverseClient): Promise<SetupReport> {
  const tables = await inspect(client);
  return tables instanceof Map ? setupReport(checksOf(tables)) : tables;
}

/**
 * How long provisioning waits for a key's index, polling as Dataverse asks: quickly at first
 * (a small table's index is built in moments), then every `maxIntervalMs`, about 3 minutes in all.
 */
export interface KeyWait {
  polls: number;
  firstIntervalMs: number;
  maxIntervalMs: number;
}
const DEFAULT_KEY_WAIT: KeyWait = { polls: 45, firstIntervalMs: 100, maxIntervalMs: 5_000 };

export async function provisionDataverse(client: DataverseClient, wait: KeyWait = DEFAULT_KEY_WAIT): Promise<SetupReport> {
  const tables = await inspect(client);
  if (!(tables instanceof Map)) return tables;
  const problems = new ProvisionProblems();
  for (const [set, { types, key }] of tables) {
    for (const column of COLUMNS) {
      if (types[column.name]) continue;
      await problems.attempt(columnCheck(set, column.name), () => ignoreDuplicate(client.metadata('POST', `${entity(set)}/Attributes`, column.definition)));
    }
    if (key) continue;
    const table = DATAVERSE_ENTITIES[set].logicalName;
    await problems.attempt(keyCheck(set), () =>
      ignoreDuplicate(
        client.metadata('POST', `${entity(set)}/Keys`, {
          '@odata.type': 'Microsoft.Dynamics.CRM.EntityKeyMetadata',
          SchemaName: keyName(table),
          DisplayName: label('Junction Id key'),
          KeyAttributes: [ID],
        }),
      ),
    );
  }
  for (const set of TABLES) await problems.attempt(keyCheck(set), () => awaitIndex(client, set, wait));
  return problems.annotate(await checkDataverseSetup(client));
}

/** Polls the key until its index is Active (or Failed); gives up quietly, leaving the check to say it is still building. */
async function awaitIndex(client: DataverseClient, set: SyncedEntitySet, wait: KeyWait): Promise<void> {
  let interval = wait.firstIntervalMs;
  for (let poll = 0; poll < wait.polls; poll++) {
    const key = await junctionKey(client, set);
    if (!key || key.EntityKeyIndexStatus === 'Active' || key.EntityKeyIndexStatus === 'Failed') return;
    await new Promise((resolve) => setTimeout(resolve, interval));
    interval = Math.min(wait.maxIntervalMs, interval * 2);
  }
}

async function ignoreDuplicate(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!alreadyExists(err, DUPLICATE)) throw err;
  }
}
