import { asText, companyMapper } from '../field-map';

/** `https://www.acme.com/` → `acme.com`: Dataverse keeps a website URL where the unified model keeps a domain. */
export function domainOf(website: string | null): string | null {
  if (!website) return null;
  const host = website
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split(/[/?#]/)[0]!
    .replace(/^www\./i, '')
    .toLowerCase();
  return host === '' ? null : host;
}

export const dynamicsCompanyMapper = companyMapper({
  crm: 'DYNAMICS',
  remoteType: 'accounts',
  fields: [
    { unified: 'name', remote: 'name' },
    { unified: 'domain', remote: 'websiteurl' },
    { unified: 'country', remote: 'address1_country', form: 'countryName' },
  ],
  readExtra: (f) => ({ domain: domainOf(asText(f.websiteurl)) }),
});
