/**
 * What a HubSpot portal needs for Junction, checked live and provisioned through the Properties
 * API (crm-wire.md §6.2 item 10): read access to contacts and companies, and on each Junction's
 * unique external-id property `junction_id` (`hasUniqueValue`, which batch upserts key on) and
 * its delete flag `junction_deleted` (a checkbox). Creating properties needs the
 * `crm.schemas.<object>.write` scope; writing records `crm.objects.<object>.write`.
 */
import { z } from 'zod';
import { alreadyExists, API_ACCESS, failed, noApiAccess, passed, ProvisionProblems, setupReport } from '../setup-checks';
import type { SetupCheck, SetupReport } from '../system-api';
import type { HubspotClient } from './client';
import { HUBSPOT_DESCRIPTOR, type HubspotObject } from './descriptor';

const OBJECTS: HubspotObject[] = ['contacts', 'companies'];
const GROUP: Record<HubspotObject, string> = { contacts: 'contactinformation', companies: 'companyinformation' };

const Property = z.object({ name: z.string(), type: z.string(), hasUniqueValue: z.boolean().optional() });
type Property = z.infer<typeof Property>;
const Properties = z.object({ results: z.array(Property) });

interface JunctionProperty {
  name: string;
  definition: Record<string, unknown>;
  fits(p: Property): boolean;
  shape: string;
}

const JUNCTION_PROPERTIES: JunctionProperty[] = [
  {
    name: HUBSPOT_DESCRIPTOR.externalIdField,
    definition: { label: 'Junction Id', type: 'string', fieldType: 'text', hasUniqueValue: true, description: 'Junction’s id of this record (kept unique so Junction’s writes are idempotent).' },
    fits: (p) => p.type === 'string' && p.hasUniqueValue === true,
    shape: 'single-line text, unique values',
  },
  {
    name: HUBSPOT_DESCRIPTOR.deletedFlagField,
    definition: {
      label: 'Junction Deleted',
      type: 'bool',
      fieldType: 'booleancheckbox',
      options: [
        { label: 'Yes', value: 'true' },
        { label: 'No', value: 'false' },
      ],
      description: 'Set by Junction when the record was deleted elsewhere.',
    },
    fits: (p) => p.type === 'bool',
    shape: 'single checkbox',
  },
];

const propertyCheck = (object: string, name: string) => `${object}.${name}`;

async function inspect(client: HubspotClient): Promise<Map<HubspotObject, Property[]> | SetupReport> {
  const byObject = new Map<HubspotObject, Property[]>();
  try {
    for (const object of OBJECTS) {
      await client.listPage(object, { limit: 1, properties: ['hs_object_id'] });
      const parsed = Properties.safeParse(await client.propertyDefinitions(object));
      byObject.set(object, parsed.success ? parsed.data.results : []);
    }
  } catch (err) {
    return noApiAccess('HubSpot', err, 'Check the app’s scopes: crm.objects.contacts.read/write, crm.objects.companies.read/write, crm.schemas.contacts.write, crm.schemas.companies.write.');
  }
  return byObject;
}

function checksOf(byObject: Map<HubspotObject, Property[]>): SetupCheck[] {
  const checks: SetupCheck[] = [passed(API_ACCESS, 'The CRM and Properties APIs answer.')];
  for (const [object, properties] of byObject) {
    checks.push(passed(`${object}: read and write`, `Junction can read ${object}; writing needs the crm.objects.${object}.write scope.`));
    for (const wanted of JUNCTION_PROPERTIES) {
      const found = properties.find((p) => p.name === wanted.name);
      const name = propertyCheck(object, wanted.name);
      if (!found) checks.push(failed(name, `${object} has no property ${wanted.name}: provisioning creates it (${wanted.shape}) through the Properties API, which needs the crm.schemas.${object}.write scope.`, true));
      else if (!wanted.fits(found)) checks.push(failed(name, `The ${object} property ${wanted.name} exists but is not ${wanted.shape}: delete it in Settings → Properties so provisioning can create it, or fix it there.`, false));
      else checks.push(passed(name, `${object} has ${wanted.name} (${wanted.shape}).`));
    }
  }
  return checks;
}

export async function checkHubspotSetup(client: HubspotClient): Promise<SetupReport> {
  const byObject = await inspect(client);
  return byObject instanceof Map ? setupReport(checksOf(byObject)) : byObject;
}

export async function provisionHubspot(client: HubspotClient): Promise<SetupReport> {
  const byObject = await inspect(client);
  if (!(byObject instanceof Map)) return byObject;
  const problems = new ProvisionProblems();
  for (const [object, properties] of byObject)
    for (const wanted of JUNCTION_PROPERTIES) {
      if (properties.some((p) => p.name === wanted.name)) continue;
      await problems.attempt(propertyCheck(object, wanted.name), async () => {
        try {
          await client.createProperty(object, { name: wanted.name, groupName: GROUP[object], ...wanted.definition });
        } catch (err) {
          if (!alreadyExists(err, ['OBJECT_ALREADY_EXISTS'])) throw err;
        }
      });
    }
  return problems.annotate(await checkHubspotSetup(client));
}
