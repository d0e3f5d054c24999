import type { CrmMappingProfile } from '../field-map';
import { dynamicsCompanyMapper } from './company.mapper';
import { dynamicsContactMapper } from './contact.mapper';

/** Dataverse: contacts ↔ unified contacts, accounts ↔ unified companies. */
export const dynamicsProfile: CrmMappingProfile = {
  crm: 'DYNAMICS',
  mappers: [dynamicsCompanyMapper, dynamicsContactMapper],
  createAs: (kind) => (kind === 'COMPANY' ? 'accounts' : 'contacts'),
};
