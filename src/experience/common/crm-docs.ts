/**
 * The API's documentation of the CRMs, written from the registered CRMs' descriptors so a
 * description never lists a CRM the registry does not (src/system/registry.ts). Built when
 * the schema classes load: the built-in CRMs.
 */
import { type CrmDescriptor, supportedCrms } from '../../process';

const code = (names: string[]): string => names.map((n) => `\`${n}\``).join(', ');
const and = (names: string[]): string => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);
const noted = (d: CrmDescriptor, note: string | undefined): string => (note ? `${d.docs.name} (${note})` : d.docs.name);

/** "Salesforce Account, HubSpot company, …": what a unified company is in each CRM. */
export const companyObjects = (): string =>
  supportedCrms()
    .map((d) => `${d.docs.name} ${d.docs.company}`)
    .join(', ');

/** "Salesforce `Contact`, `Lead`, `Account`; HubSpot …": the vendor objects Junction syncs, contacts first. */
export const syncedObjects = (): string =>
  supportedCrms()
    .map((d) => `${d.docs.name} ${code([...[...d.objects.contact].sort(), ...d.objects.company])}`)
    .join('; ');

/** Which CRMs require or take a refresh token, and what it means to each. */
export function refreshTokenRule(): string {
  const crms = supportedCrms();
  const of = (rule: string) => crms.filter((d) => d.credentials.refreshToken === rule).map((d) => noted(d, d.docs.refreshToken));
  const parts = [of('required').length ? `required for ${and(of('required'))}` : '', of('optional').length ? `optional for ${and(of('optional'))}` : '']
    .filter(Boolean)
    .join('; ');
  return `${parts.charAt(0).toUpperCase()}${parts.slice(1)}.`;
}

/** The CRMs that take a tenant, and what it is to them. */
export function tenantIdRule(): string {
  const takers = supportedCrms().filter((d) => d.credentials.tenantId !== 'unsupported');
  if (takers.length === 0) return 'Taken by no registered CRM.';
  return `${and(takers.map((d) => d.docs.name))} only: ${takers.map((d) => d.docs.tenantId ?? 'the tenant').join('; ')}.`;
}

/** The CRMs whose tokens come from an identity provider apart from the CRM, and its default URL. */
export function authorityUrlRule(): string {
  const takers = supportedCrms().filter((d) => d.credentials.authorityUrl);
  if (takers.length === 0) return 'Taken by no registered CRM.';
  return `${and(takers.map((d) => `${d.docs.name} (default ${d.credentials.authorityUrl})`))} only: where the identity provider's token endpoint lives.`;
}
