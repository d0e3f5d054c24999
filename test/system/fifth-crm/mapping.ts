/** How Fifth's people and organizations map to unified contacts and companies. */
import type { RemoteFields } from '../../../src/system';
import { asText, companyMapper, contactMapper, type CrmMappingProfile } from '../../../src/process/mapping/field-map';
import { FIFTH } from './descriptor';

const people = contactMapper({
  crm: FIFTH,
  remoteType: 'people',
  fields: [
    { unified: 'email', remote: 'email' },
    { unified: 'firstName', remote: 'first_name' },
    { unified: 'lastName', remote: 'last_name' },
    { unified: 'phone', remote: 'phone' },
    { unified: 'title', remote: 'title' },
    { unified: 'city', remote: 'city' },
    { unified: 'country', remote: 'country', form: 'countryName' },
  ],
  extraFields: ['organization'],
  companyRef: (f) => {
    const name = asText(f.organization);
    return name ? { name } : undefined;
  },
  writeExtra: (s): RemoteFields => (s.company?.name ? { organization: s.company.name } : {}),
});

const organizations = companyMapper({
  crm: FIFTH,
  remoteType: 'organizations',
  fields: [
    { unified: 'name', remote: 'name' },
    { unified: 'domain', remote: 'domain' },
  ],
});

export const fifthProfile: CrmMappingProfile = {
  crm: FIFTH,
  mappers: [organizations, people],
  createAs: (kind) => (kind === 'COMPANY' ? 'organizations' : 'people'),
};
