import type { CrmMappingProfile } from '../field-map';
import { salesforceAccountMapper } from './account.mapper';
import { salesforceContactMapper } from './contact.mapper';
import { salesforceLeadMapper } from './lead.mapper';

export const salesforceProfile: CrmMappingProfile = {
  crm: 'SALESFORCE',
  mappers: [salesforceAccountMapper, salesforceLeadMapper, salesforceContactMapper],
  // A prospect becomes a Lead; anyone further along is a Contact.
  createAs: (kind, s) => (kind === 'COMPANY' ? 'Account' : s.values.lifecycleStage === 'LEAD' ? 'Lead' : 'Contact'),
};
