/** How Fifth's people and organizations map to unified contacts and companies. */
import type { RemoteFields } from '../../../src/system';
import { asText, companyMapper, contactMapper, type CrmMappingProfile } from '../../../src/process/mapping/field-map';
import { FIFTH } from './descriptor';

/** Unified field ← Fifth's own name for it: a fifth CRM states only what differs from the others. */
const PEOPLE_FIELDS = { email: 'email', firstName: 'first_name', lastName: 'last_name', phone: 'phone', title: 'title', city: 'city', country: 'country' } as const;
const ORGANIZATION_FIELDS = { name: 'name', domain: 'domain' } as const;

const people = contactMapper({
  crm: FIFTH,
  remoteType: 'people',
  fields: Object.entries(PEOPLE_FIELDS).map(([unified, remote]) => ({ unified: unified as keyof typeof PEOPLE_FIELDS, remote, ...(unified === 'country' ? { form: 'countryName' as const } : {}) })),
  extraFields: ['organization'],
  companyRef: (f) => (asText(f.organization) ? { name: asText(f.organization)! } : undefined),
  writeExtra: (s): RemoteFields => (s.company?.name ? { organization: s.company.name } : {}),
});

const organizations = companyMapper({ crm: FIFTH, remoteType: 'organizations', fields: Object.entries(ORGANIZATION_FIELDS).map(([unified, remote]) => ({ unified: unified as keyof typeof ORGANIZATION_FIELDS, remote })) });

export const fifthProfile: CrmMappingProfile = {
  crm: FIFTH,
  mappers: [organizations, people],
  createAs: (kind) => (kind === 'COMPANY' ? 'organizations' : 'people'),
};
