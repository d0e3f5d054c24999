/**
 * Each CRM's host policy: the configured host list for its kind, or its descriptor's host
 * family, and whether loopback (the emulators) is allowed. The process tier passes the
 * configured policy in; nothing here reads configuration.
 */
import { registeredCrms, crmModule } from './registry';
import type { CrmKind } from './system-api';
import { hostProblem, type CrmHostPolicy, type HostPolicy } from './transport/host-policy';

/** Without configuration: each CRM's own host family, and loopback for the emulators (the process tier turns it off in production). */
export const DEFAULT_CRM_HOST_POLICY: CrmHostPolicy = { allowLoopback: true };

export function hostPolicyFor(kind: CrmKind, policy: CrmHostPolicy = DEFAULT_CRM_HOST_POLICY): HostPolicy {
  return { hosts: policy.hosts?.[kind] ?? crmModule(kind).descriptor.hostFamily, allowLoopback: policy.allowLoopback };
}

/**
 * Why a connection of this kind may not use this base URL (undefined when it may): checked
 * when a connection is created or changed, and again by the transport before every call.
 */
export function checkCrmBaseUrl(kind: CrmKind, url: string, policy: CrmHostPolicy = DEFAULT_CRM_HOST_POLICY): string | undefined {
  if (!registeredCrms().includes(kind)) return `no adapter is available for ${kind}`;
  const problem = hostProblem(url, hostPolicyFor(kind, policy));
  if (problem) return `baseUrl ${problem}`;
  const parsed = new URL(url);
  if (parsed.search || parsed.hash) return 'baseUrl must not carry a query or fragment';
  return undefined;
}

/** Where a CRM's token requests may go: its hosts, and its identity provider's (Entra ID for Dynamics). */
export function authorityPolicyFor(kind: CrmKind, policy: HostPolicy): HostPolicy {
  return { ...policy, hosts: [...policy.hosts, ...(crmModule(kind).descriptor.credentials.authorityHosts ?? [])] };
}

/** Why a connection of this kind may not take its tokens from this authority URL (undefined when it may). */
export function checkCrmAuthorityUrl(kind: CrmKind, url: string, policy: CrmHostPolicy = DEFAULT_CRM_HOST_POLICY): string | undefined {
  const problem = hostProblem(url, authorityPolicyFor(kind, hostPolicyFor(kind, policy)));
  if (problem) return `credentials.authorityUrl ${problem}`;
  const parsed = new URL(url);
  if (parsed.search || parsed.hash || parsed.pathname.replace(/\/+$/, '')) return 'credentials.authorityUrl is the authority host alone (https://login.microsoftonline.com): the tenant goes in tenantId';
  return undefined;
}
