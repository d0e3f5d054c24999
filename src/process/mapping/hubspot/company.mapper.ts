import { companyMapper } from '../field-map';

export const hubspotCompanyMapper = companyMapper({
  crm: 'HUBSPOT',
  remoteType: 'companies',
  fields: [
    { unified: 'name', remote: 'name' },
    { unified: 'domain', remote: 'domain' },
    { unified: 'country', remote: 'country', form: 'countryName' },
  ],
});
