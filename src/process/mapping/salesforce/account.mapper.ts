import { companyMapper } from '../field-map';
import { STATE_PICKLISTS } from './org-features';

export const salesforceAccountMapper = companyMapper({
  crm: 'SALESFORCE',
  remoteType: 'Account',
  fields: [
    { unified: 'name', remote: 'Name' },
    { unified: 'domain', remote: 'Website' },
    { unified: 'country', remote: 'BillingCountry', form: 'countryName', picklist: { remote: 'BillingCountryCode', form: 'countryCode', feature: STATE_PICKLISTS } },
  ],
});
