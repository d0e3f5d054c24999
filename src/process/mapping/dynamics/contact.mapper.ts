import type { RemoteFields } from '../../../system';
import { asText, contactMapper } from '../field-map';

/** The Dataverse lookup a contact's company is written through (`@odata.bind`) and read from (`_…_value`). */
export const PARENT_ACCOUNT_BIND = 'parentcustomerid_account@odata.bind';
export const PARENT_ACCOUNT_VALUE = '_parentcustomerid_value';

/** Dataverse contact ↔ unified contact; the parent customer (an account) links it to a synced company. */
export const dynamicsContactMapper = contactMapper({
  crm: 'DYNAMICS',
  remoteType: 'contacts',
  fields: [
    { unified: 'email', remote: 'emailaddress1' },
    { unified: 'firstName', remote: 'firstname' },
    { unified: 'lastName', remote: 'lastname' },
    { unified: 'phone', remote: 'telephone1' },
    { unified: 'title', remote: 'jobtitle' },
    { unified: 'city', remote: 'address1_city' },
    { unified: 'state', remote: 'address1_stateorprovince', form: 'subdivisionName' },
    { unified: 'country', remote: 'address1_country', form: 'countryName' },
    { unified: 'postalCode', remote: 'address1_postalcode' },
  ],
  extraFields: [PARENT_ACCOUNT_VALUE],
  // No lifecycle: Dataverse keeps leads in a table of their own, so a contact row holds no
  // stage. Reporting a fixed CONTACT re-asserted it on every read (Junction's own writes
  // included, with a newer stamp) and flipped a Salesforce Lead back and forth forever.
  // A person first seen here is stored with the default stage, CONTACT.
  companyRef: (f) => {
    const id = asText(f[PARENT_ACCOUNT_VALUE]);
    return id ? { remoteType: 'accounts', remoteId: id } : undefined;
  },
  writeExtra: (s): RemoteFields => (s.company?.remoteId ? { [PARENT_ACCOUNT_BIND]: `/accounts(${s.company.remoteId})` } : {}),
});
