import type { HubspotLifecycleStage, RemoteFields } from '../../../system';
import { asText, contactMapper } from '../field-map';
import { LEAD_STAGES, mayMoveTo, STAGE_VALUE_MAP } from './lifecycle-stages';

export const hubspotContactMapper = contactMapper({
  crm: 'HUBSPOT',
  remoteType: 'contacts',
  fields: [
    { unified: 'email', remote: 'email' },
    { unified: 'firstName', remote: 'firstname' },
    { unified: 'lastName', remote: 'lastname' },
    { unified: 'phone', remote: 'phone' },
    { unified: 'title', remote: 'jobtitle' },
    { unified: 'city', remote: 'city' },
    { unified: 'state', remote: 'state', form: 'subdivisionName' },
    { unified: 'country', remote: 'country', form: 'countryName' },
    { unified: 'postalCode', remote: 'zip' },
    { unified: 'linkedinUrl', remote: 'hs_linkedin_url' },
  ],
  derived: [
    {
      unified: 'lifecycleStage',
      remote: 'lifecyclestage',
      direction: 'both',
      valueMap: STAGE_VALUE_MAP,
      mayWrite: (stage, known) => mayMoveTo(asText(known?.lifecyclestage ?? null), stage as HubspotLifecycleStage),
    },
  ],
  extraFields: ['company', 'lifecyclestage'],
  readExtra: (f) => {
    const stage = asText(f.lifecyclestage)?.toLowerCase();
    return stage ? { lifecycleStage: LEAD_STAGES.has(stage) ? 'LEAD' : 'CONTACT' } : {};
  },
  companyRef: (f) => {
    const name = asText(f.company);
    return name ? { name } : undefined;
  },
  // The unified model knows a lead from a source that says so (a Salesforce Lead, HubSpot
  // itself); CONTACT says only "not a lead", which no HubSpot stage means, so it writes
  // nothing. A lead is written only where HubSpot's stage is not already past it.
  writeExtra: (s, known): RemoteFields => ({
    ...(s.company?.name ? { company: s.company.name } : {}),
    ...(s.values.lifecycleStage === 'LEAD' && mayMoveTo(asText(known?.lifecyclestage ?? null), 'lead') ? { lifecyclestage: 'lead' } : {}),
  }),
});
