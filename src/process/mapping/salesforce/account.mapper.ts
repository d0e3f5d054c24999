import { companyMapper } from '../field-map';

export const salesforceAccountMapper = companyMapper({
  crm: 'SALESFORCE',
  remoteType: 'Account',
  fields: [
    { unified: 'name', remote: 'Name' },
    { unified: 'domain', remote: 'Website' },
    { unified: 'country', remote: 'BillingCountry', form: 'countryName', picklist: { remote: 'BillingCountryCode', form: 'countryCode' } },
  ],
});
