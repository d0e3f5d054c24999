import { asText, contactMapper } from '../field-map';
import { STATE_PICKLISTS } from './org-features';

/** Salesforce Lead ↔ unified contact at lifecycle LEAD (CONTACT once converted); Lead.Company is a name, not a link. */
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
    { unified: 'state', remote: 'State', form: 'subdivisionName', picklist: { remote: 'StateCode', form: 'subdivisionCode', feature: STATE_PICKLISTS } },
    { unified: 'country', remote: 'Country', form: 'countryName', picklist: { remote: 'CountryCode', form: 'countryCode', feature: STATE_PICKLISTS } },
    { unified: 'postalCode', remote: 'PostalCode' },
  ],
  derived: [{ unified: 'lifecycleStage', remote: 'IsConverted', direction: 'in', valueMap: { true: 'CONTACT', false: 'LEAD' } }],
  extraFields: ['Company', 'IsConverted', 'ConvertedContactId'],
  // A converted Lead is a Contact now: its link moves to ConvertedContactId (crm-wire.md §1.6).
  readExtra: (f) => ({ lifecycleStage: f.IsConverted === true || f.IsConverted === 'true' ? 'CONTACT' : 'LEAD' }),
  convertedTo: (f) => {
    const id = asText(f.ConvertedContactId);
    return (f.IsConverted === true || f.IsConverted === 'true') && id ? { remoteType: 'Contact', remoteId: id } : undefined;
  },
  companyRef: (f) => {
    const name = asText(f.Company);
    return name ? { name } : undefined;
  },
  // Company is required on a Lead; "[not provided]" is Salesforce's own convention for unknown.
  writeExtra: (s) => ({ Company: s.company?.name ?? '[not provided]' }),
});
