import { asText, contactMapper } from '../field-map';

/** Salesforce Lead ↔ unified contact at lifecycle LEAD; Lead.Company is a name, not a link. */
export const salesforceLeadMapper = contactMapper({
  crm: 'SALESFORCE',
  remoteType: 'Lead',
  fields: [
    { unified: 'email', remote: 'Email' },
    { unified: 'firstName', remote: 'FirstName' },
    { unified: 'lastName', remote: 'LastName' },
    { unified: 'phone', remote: 'Phone' },
    { unified: 'title', remote: 'Title' },
    { unified: 'city', remote: 'City' },
    { unified: 'state', remote: 'State' },
    { unified: 'country', remote: 'Country' },
    { unified: 'postalCode', remote: 'PostalCode' },
  ],
  extraFields: ['Company'],
  fixed: { lifecycleStage: 'LEAD' },
  companyRef: (f) => {
    const name = asText(f.Company);
    return name ? { name } : undefined;
  },
  // Company is required on a Lead; "[not provided]" is Salesforce's own convention for unknown.
  writeExtra: (s) => ({ Company: s.company?.name ?? '[not provided]' }),
});
