/**
 * The three sObjects the emulator serves, with the standard fields from crm-wire.md §1.2
 * plus Junction's external-id field. Field facts are data; validation reads them.
 */
export type FieldType =
  'id' | 'reference' | 'string' | 'textarea' | 'email' | 'phone' | 'url' | 'picklist' | 'boolean' | 'int' | 'double' | 'currency' | 'date' | 'datetime';

export interface FieldDef {
  name: string;
  type: FieldType;
  length?: number;
  required?: boolean;
  /** System-maintained: writes fail with INVALID_FIELD_FOR_INSERT_UPDATE. */
  readOnly?: boolean;
  externalId?: boolean;
  unique?: boolean;
  defaultValue?: string | boolean;
  /** For references: the object the id must point at (checked when we store it). */
  referenceTo?: ObjectName;
  custom?: boolean;
  /** A state or country picklist of the org's state and country picklists (state-country.ts). */
  picklist?: 'country' | 'state';
  /** A dependent picklist's controlling field. */
  controllerName?: string;
}

export const OBJECT_NAMES = ['Lead', 'Contact', 'Account'] as const;
export type ObjectName = (typeof OBJECT_NAMES)[number];

export const ID_PREFIX: Record<ObjectName, string> = { Lead: '00Q', Contact: '003', Account: '001' };
export const ORG_ID = '00D5g000004ORGAEAW';
export const USER_ID = '0055g000004USRAAAS';

const str = (name: string, length = 255, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'string', length, ...extra });
const ro = (name: string, type: FieldType): FieldDef => ({ name, type, readOnly: true });

const SYSTEM_HEAD: FieldDef[] = [ro('Id', 'id'), ro('IsDeleted', 'boolean')];
const SYSTEM_TAIL: FieldDef[] = [
  { name: 'OwnerId', type: 'reference' },
  ro('CreatedDate', 'datetime'),
  ro('CreatedById', 'reference'),
  ro('LastModifiedDate', 'datetime'),
  ro('LastModifiedById', 'reference'),
  ro('SystemModstamp', 'datetime'),
];

/**
 * Junction's own custom fields: a fresh org has none of them until they are created through
 * the Tooling API and granted to the integration user (org-setup.ts); `provisioned` orgs have them.
 */
export const JUNCTION_FIELDS: readonly FieldDef[] = [
  { name: 'Junction_Id__c', type: 'string', length: 36, externalId: true, unique: true, custom: true },
  // Junction's delete flag (delete propagation FLAG): a checkbox, so never null.
  { name: 'Junction_Deleted__c', type: 'boolean', custom: true, defaultValue: false },
];

const address = (prefix: string): FieldDef[] => [
  { name: `${prefix}Street`, type: 'textarea', length: 255 },
  str(`${prefix}City`, 40),
  str(`${prefix}State`, 80),
  str(`${prefix}PostalCode`, 20),
  str(`${prefix}Country`, 80),
];

const person: FieldDef[] = [
  str('FirstName', 40),
  { name: 'LastName', type: 'string', length: 80, required: true },
  { name: 'Salutation', type: 'picklist', length: 40 },
  ro('Name', 'string'),
  str('Title', 128),
  { name: 'Email', type: 'email', length: 80 },
  { name: 'Phone', type: 'phone', length: 40 },
  { name: 'MobilePhone', type: 'phone', length: 40 },
  { name: 'LeadSource', type: 'picklist', length: 255 },
];

const FIELDS: Record<ObjectName, FieldDef[]> = {
  Lead: [
    ...SYSTEM_HEAD,
    ...person,
    { name: 'Company', type: 'string', length: 255, required: true },
    ...address(''),
    { name: 'Website', type: 'url', length: 255 },
    { name: 'Status', type: 'picklist', length: 255, required: true, defaultValue: 'Open - Not Contacted' },
    { name: 'Industry', type: 'picklist', length: 255 },
    { name: 'Rating', type: 'picklist', length: 255 },
    { name: 'AnnualRevenue', type: 'currency' },
    { name: 'NumberOfEmployees', type: 'int' },
    { name: 'IsConverted', type: 'boolean', readOnly: true, defaultValue: false },
    ro('ConvertedDate', 'date'),
    { name: 'ConvertedAccountId', type: 'reference', readOnly: true, referenceTo: 'Account' },
    { name: 'ConvertedContactId', type: 'reference', readOnly: true, referenceTo: 'Contact' },
    ro('ConvertedOpportunityId', 'reference'),
    { name: 'IsUnreadByOwner', type: 'boolean', defaultValue: true },
    ro('LastActivityDate', 'date'),
    str('EmailBouncedReason'),
    { name: 'EmailBouncedDate', type: 'datetime' },
    ...SYSTEM_TAIL,
  ],
  Contact: [
    ...SYSTEM_HEAD,
    { name: 'AccountId', type: 'reference', referenceTo: 'Account' },
    ...person,
    { name: 'HomePhone', type: 'phone', length: 40 },
    { name: 'OtherPhone', type: 'phone', length: 40 },
    str('Department', 80),
    ...address('Mailing'),
    ...address('Other'),
    { name: 'ReportsToId', type: 'reference', referenceTo: 'Contact' },
    ro('LastActivityDate', 'date'),
    ...SYSTEM_TAIL,
  ],
  Account: [
    ...SYSTEM_HEAD,
    { name: 'Name', type: 'string', length: 255, required: true },
    { name: 'Phone', type: 'phone', length: 40 },
    { name: 'Website', type: 'url', length: 255 },
    { name: 'Type', type: 'picklist', length: 255 },
    { name: 'Industry', type: 'picklist', length: 255 },
    ...address('Billing'),
    ...address('Shipping'),
    { name: 'ParentId', type: 'reference', referenceTo: 'Account' },
    { name: 'NumberOfEmployees', type: 'int' },
    { name: 'AnnualRevenue', type: 'currency' },
    ...SYSTEM_TAIL,
  ],
};

export class ObjectSchema {
  private byLower = new Map<string, FieldDef>();
  /** Custom fields created through the Tooling API that no permission set grants yet: invisible to the API user. */
  private ungranted = new Map<string, FieldDef>();
  /** Names a write must not bring into being by itself (Junction's fields: only the metadata API creates them). */
  private reserved = new Set(JUNCTION_FIELDS.map((f) => f.name.toLowerCase()));
  constructor(
    readonly name: ObjectName,
    readonly standard: readonly FieldDef[],
  ) {
    for (const f of standard) this.byLower.set(f.name.toLowerCase(), f);
  }

  /** A Tooling API `CustomField` create: defined, but unseen until field permissions grant it; false when the name is taken. */
  createCustom(def: FieldDef): boolean {
    const key = def.name.toLowerCase();
    if (this.byLower.has(key) || this.ungranted.has(key)) return false;
    this.dropped.delete(key);
    this.ungranted.set(key, { ...def, custom: true });
    return true;
  }

  /** Field permissions now let the API user read the field: it appears in describe, queries and writes. */
  grant(name: string): void {
    const def = this.ungranted.get(name.toLowerCase());
    if (!def) return;
    this.ungranted.delete(name.toLowerCase());
    this.byLower.set(name.toLowerCase(), def);
  }

  /** Every custom field the org defines, granted or not (what the Tooling API lists). */
  get customDefinitions(): FieldDef[] {
    return [...this.byLower.values(), ...this.ungranted.values()].filter((f) => f.custom);
  }
  field(name: string): FieldDef | undefined {
    return this.byLower.get(name.toLowerCase());
  }
  /** Fields deleted in Setup: gone from describe, queries and writes until undeleted (data kept, as Salesforce keeps it 15 days). */
  private dropped = new Map<string, FieldDef>();

  /** Custom fields appear the first time a record carries them (the brief's "store as given"); a deleted one stays deleted. */
  addCustom(name: string, sample: unknown): FieldDef | undefined {
    const existing = this.field(name);
    if (existing) return existing;
    if (this.dropped.has(name.toLowerCase()) || this.reserved.has(name.toLowerCase())) return undefined;
    const type: FieldType = typeof sample === 'number' ? 'double' : typeof sample === 'boolean' ? 'boolean' : 'string';
    const def: FieldDef = { name, type, custom: true, ...(type === 'string' ? { length: 255 } : {}) };
    this.byLower.set(name.toLowerCase(), def);
    return def;
  }
  /** Defines a field as Setup would (type text unless given); an existing field is left as it is. */
  define(name: string, type: FieldType = 'string'): FieldDef {
    const key = name.toLowerCase();
    this.dropped.delete(key);
    // Junction's own fields come with their real definition (external id, checkbox), granted at once.
    const junction = JUNCTION_FIELDS.find((f) => f.name.toLowerCase() === key);
    if (junction && !this.field(name)) {
      this.ungranted.delete(key);
      this.byLower.set(key, junction);
    }
    return this.field(name) ?? this.addCustom(name, type === 'double' ? 0 : type === 'boolean' ? false : '')!;
  }

  /** Adds or removes standard fields with an org setting (state and country picklists); not a deletion, so nothing is kept aside. */
  setStandard(defs: readonly FieldDef[], present: boolean): void {
    for (const def of defs) {
      if (present) this.byLower.set(def.name.toLowerCase(), def);
      else this.byLower.delete(def.name.toLowerCase());
    }
  }

  /** Deletes a field (tests use it to cause schema drift); false when there is no such field. */
  drop(name: string): boolean {
    const def = this.field(name);
    if (!def || def.name === 'Id') return false;
    this.byLower.delete(name.toLowerCase());
    this.dropped.set(name.toLowerCase(), def);
    return true;
  }

  /** Undeletes a dropped field; its values come back with it. */
  restore(name: string): boolean {
    const def = this.dropped.get(name.toLowerCase());
    if (!def) return false;
    this.dropped.delete(name.toLowerCase());
    this.byLower.set(name.toLowerCase(), def);
    return true;
  }

  get fields(): FieldDef[] {
    return [...this.byLower.values()];
  }
}

/** The org's objects; `provisioned` gives them Junction's fields already (the tests' shortcut), else the org is fresh. */
export function buildSchemas(provisioned = false): Map<string, ObjectSchema> {
  const map = new Map<string, ObjectSchema>();
  for (const name of OBJECT_NAMES) map.set(name.toLowerCase(), new ObjectSchema(name, provisioned ? [...FIELDS[name], ...JUNCTION_FIELDS] : FIELDS[name]));
  return map;
}

export const isCustomName = (name: string): boolean => /^[A-Za-z][A-Za-z0-9_]*__c$/.test(name);
export const isNumeric = (t: FieldType): boolean => t === 'int' || t === 'double' || t === 'currency';
export const isTextual = (t: FieldType): boolean => !isNumeric(t) && t !== 'boolean' && t !== 'date' && t !== 'datetime';
