import type { CrmMappingProfile } from '../field-map';
import { hubspotCompanyMapper } from './company.mapper';
import { hubspotContactMapper } from './contact.mapper';

export const hubspotProfile: CrmMappingProfile = {
  crm: 'HUBSPOT',
  mappers: [hubspotCompanyMapper, hubspotContactMapper],
  createAs: (kind) => (kind === 'COMPANY' ? 'companies' : 'contacts'),
};
