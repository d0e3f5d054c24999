import { asText, contactMapper } from '../field-map';

/** HubSpot lifecycle stages before a sale count as LEAD in the unified model. */
const LEAD_STAGES = new Set(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead']);

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
    { unified: 'state', remote: 'state' },
    { unified: 'country', remote: 'country' },
    { unified: 'postalCode', remote: 'zip' },
    { unified: 'linkedinUrl', remote: 'hs_linkedin_url' },
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
  writeExtra: (s) => ({
    ...(s.company?.name ? { company: s.company.name } : {}),
    ...(s.values.lifecycleStage ? { lifecyclestage: s.values.lifecycleStage === 'LEAD' ? 'lead' : 'customer' } : {}),
  }),
});
