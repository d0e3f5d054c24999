import type { RemoteFields } from '../../../system';
import { asText, contactMapper } from '../field-map';
import { STATE_PICKLISTS } from './org-features';

/** Salesforce Contact ↔ unified contact; AccountId links it to a synced Account. */
export const salesforceContactMapper = contactMapper({
  crm: 'SALESFORCE',
  remoteType: 'Contact',
  fields: [
    { unified: 'email', remote: 'Email' },
    { unified: 'firstName', remote: 'FirstName' },
    { unified: 'lastName', remote: 'LastName' },
    { unified: 'phone', remote: 'Phone' },
    { unified: 'title', remote: 'Title' },
    { unified: 'city', remote: 'MailingCity' },
    { unified: 'state', remote: 'MailingState', form: 'subdivisionName', picklist: { remote: 'MailingStateCode', form: 'subdivisionCode', feature: STATE_PICKLISTS } },
    { unified: 'country', remote: 'MailingCountry', form: 'countryName', picklist: { remote: 'MailingCountryCode', form: 'countryCode', feature: STATE_PICKLISTS } },
    { unified: 'postalCode', remote: 'MailingPostalCode' },
  ],
  extraFields: ['AccountId'],
  fixed: { lifecycleStage: 'CONTACT' },
  companyRef: (f) => {
    const id = asText(f.AccountId);
    return id ? { remoteType: 'Account', remoteId: id } : undefined;
  },
  writeExtra: (s): RemoteFields => (s.company?.remoteId ? { AccountId: s.company.remoteId } : {}),
});
