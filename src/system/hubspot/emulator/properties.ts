/**
 * The property definitions of one HubSpot object, as the Properties API reports them
 * (`GET /crm/v3/properties/{objectType}`). HubSpot ships the standard ones; custom ones are
 * created with `POST /crm/v3/properties/{objectType}` — or, as this emulator always allowed,
 * the first time a write carries them. An archived (deleted) property is refused on writes
 * with PROPERTY_DOESNT_EXIST until it is restored, and its values are kept aside meanwhile.
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */
import { HUBSPOT_DESCRIPTOR, type HubspotObject } from '../descriptor';

export interface PropertyDef {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: string;
  groupName: string;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
}

const STANDARD: Record<HubspotObject, string[]> = {
  contacts: [
    'email',
    'firstname',
    'lastname',
    'phone',
    'mobilephone',
    'jobtitle',
    'company',
    'website',
    'address',
    'city',
    'state',
    'country',
    'zip',
    'hs_linkedin_url',
    'lifecyclestage',
    'createdate',
    'lastmodifieddate',
    'hs_object_id',
  ],
  companies: [
    'name',
    'domain',
    'website',
    'phone',
    'address',
    'city',
    'state',
    'country',
    'zip',
    'industry',
    'createdate',
    'hs_lastmodifieddate',
    'hs_object_id',
  ],
};

const def = (object: HubspotObject, name: string, hubspotDefined: boolean, given: Partial<PropertyDef> = {}): PropertyDef => ({
  name,
  label: given.label ?? name,
  type: given.type ?? (name.endsWith('date') ? 'datetime' : 'string'),
  fieldType: given.fieldType ?? 'text',
  groupName: given.groupName ?? (object === 'contacts' ? 'contactinformation' : 'companyinformation'),
  hasUniqueValue: given.hasUniqueValue ?? false,
  hubspotDefined,
});

const JUNCTION_PROPERTIES: ReadonlySet<string> = new Set([HUBSPOT_DESCRIPTOR.externalIdField, HUBSPOT_DESCRIPTOR.deletedFlagField]);

export class PropertyRegistry {
  private defs = new Map<string, PropertyDef>();
  private archived = new Map<string, { def: PropertyDef; values: Map<string, unknown> }>();

  constructor(private object: HubspotObject) {
    this.reset(false);
  }

  /**
   * Back to the portal's standard properties. A fresh portal lacks Junction's two, which only
   * the Properties API creates (writes naming them are refused); `provisioned` has them.
   */
  reset(provisioned: boolean): void {
    this.defs.clear();
    this.archived.clear();
    for (const name of STANDARD[this.object]) this.defs.set(name, def(this.object, name, true));
    if (!provisioned) return;
    // Junction's unique external-id property, created once per portal when it is connected.
    this.defs.set(HUBSPOT_DESCRIPTOR.externalIdField, def(this.object, HUBSPOT_DESCRIPTOR.externalIdField, false, { hasUniqueValue: true }));
    // And its delete flag (delete propagation FLAG): a single checkbox, values "true"/"false".
    this.defs.set(HUBSPOT_DESCRIPTOR.deletedFlagField, def(this.object, HUBSPOT_DESCRIPTOR.deletedFlagField, false, { type: 'bool', fieldType: 'booleancheckbox' }));
  }

  /** A property a write may not name: archived, or one of Junction's not created yet (never brought into being by a write). */
  isMissing(name: string): boolean {
    return this.isArchived(name) || (JUNCTION_PROPERTIES.has(name) && !this.defs.has(name));
  }

  list(): PropertyDef[] {
    return [...this.defs.values()];
  }

  get(name: string): PropertyDef | undefined {
    return this.defs.get(name);
  }

  isArchived(name: string): boolean {
    return this.archived.has(name) && !this.defs.has(name);
  }

  /** Creates a custom property; undefined when one of that name exists already (HubSpot answers 409). */
  create(name: string, given: Partial<PropertyDef> = {}): PropertyDef | undefined {
    if (this.defs.has(name)) return undefined;
    this.archived.delete(name);
    const created = def(this.object, name, false, given);
    this.defs.set(name, created);
    return created;
  }

  /** A property a write carries exists from then on (archived ones excepted: the write is refused first). */
  noteWritten(names: Iterable<string>): void {
    for (const name of names) if (!this.defs.has(name) && !this.archived.has(name) && !JUNCTION_PROPERTIES.has(name)) this.defs.set(name, def(this.object, name, false));
  }

  /** Archives a property; the caller hands over each record's value, kept for a restore. */
  archive(name: string): Map<string, unknown> | undefined {
    const existing = this.defs.get(name);
    if (!existing || (existing.hubspotDefined && name === 'hs_object_id')) return undefined;
    this.defs.delete(name);
    const values = new Map<string, unknown>();
    this.archived.set(name, { def: existing, values });
    return values;
  }

  /** Restores an archived property; returns the values kept aside, by record key. */
  restore(name: string): Map<string, unknown> | undefined {
    const entry = this.archived.get(name);
    if (!entry) return undefined;
    this.archived.delete(name);
    this.defs.set(name, entry.def);
    return entry.values;
  }
}

/** The Properties API's shape for one property. */
export function propertyWire(p: PropertyDef, at: string): Record<string, unknown> {
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    groupName: p.groupName,
    description: '',
    options: [],
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue,
    hidden: false,
    hubspotDefined: p.hubspotDefined,
    archived: false,
    createdAt: at,
    updatedAt: at,
    modificationMetadata: { archivable: !p.hubspotDefined, readOnlyDefinition: p.hubspotDefined, readOnlyValue: false },
    formField: true,
  };
}
