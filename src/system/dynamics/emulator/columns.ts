/**
 * The columns the emulated tables have, with their types. Writes to other columns fail as
 * Dataverse fails them (unknown property); `$filter`/`$select` on them too.
 */
import type { DataverseEntitySet } from '../descriptor';

export type ColumnType = 'string' | 'number' | 'boolean' | 'datetime' | 'guid';

const ADDRESS: Record<string, ColumnType> = {
  address1_line1: 'string',
  address1_city: 'string',
  address1_stateorprovince: 'string',
  address1_country: 'string',
  address1_postalcode: 'string',
};

const SYSTEM: Record<string, ColumnType> = { createdon: 'datetime', modifiedon: 'datetime', versionnumber: 'number' };

/**
 * Junction's custom columns (alternate key; delete propagation flag): a fresh org has neither
 * (nor the key) until they are created through the metadata API; a `provisioned` one has all.
 */
export const JUNCTION_COLUMNS: Record<string, ColumnType> = { junction_id: 'string', junction_deleted: 'boolean' };

export const COLUMNS: Record<DataverseEntitySet, Record<string, ColumnType>> = {
  contacts: {
    contactid: 'guid',
    firstname: 'string',
    lastname: 'string',
    fullname: 'string',
    emailaddress1: 'string',
    emailaddress2: 'string',
    telephone1: 'string',
    mobilephone: 'string',
    jobtitle: 'string',
    description: 'string',
    _parentcustomerid_value: 'guid',
    ...ADDRESS,
    ...SYSTEM,
  },
  accounts: {
    accountid: 'guid',
    name: 'string',
    websiteurl: 'string',
    emailaddress1: 'string',
    telephone1: 'string',
    numberofemployees: 'number',
    description: 'string',
    ...ADDRESS,
    ...SYSTEM,
  },
  leads: {
    leadid: 'guid',
    firstname: 'string',
    lastname: 'string',
    fullname: 'string',
    companyname: 'string',
    emailaddress1: 'string',
    subject: 'string',
    ...SYSTEM,
  },
};

/** Lookup navigation properties writable with `@odata.bind`: property → [target set, read column]. */
export const LOOKUPS: Partial<Record<DataverseEntitySet, Record<string, { target: DataverseEntitySet; column: string }>>> = {
  contacts: { parentcustomerid_account: { target: 'accounts', column: '_parentcustomerid_value' } },
};

/** Columns only the platform writes. */
export const READ_ONLY: ReadonlySet<string> = new Set(['createdon', 'modifiedon', 'versionnumber', 'fullname', '_parentcustomerid_value']);
