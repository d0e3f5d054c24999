/**
 * Where a connection's credentials may go. An ADMIN-set base URL could point at an internal
 * address, and a token answer's `instance_url` re-based every later call (bearer token
 * included) on whatever host it named. Every credentialed call — token requests, API calls,
 * the session host a token answer names — is checked against the CRM's host family (a
 * configurable allow-list) before it leaves, and loopback is allowed only where the policy
 * says so (the emulators, outside production).
 */
import { SystemError } from '../errors';
import type { CrmKind } from '../system-api';

export interface HostPolicy {
  /** Host names calls may go to: exact (`api.hubapi.com`) or every subdomain of one (`*.salesforce.com`). */
  hosts: readonly string[];
  /** Loopback hosts (127.0.0.0/8, ::1, localhost) too, over http or https: the emulators. */
  allowLoopback: boolean;
}

/** The policy for every CRM: per-kind host lists (a kind without one uses its descriptor's family) and the loopback switch. */
export interface CrmHostPolicy {
  hosts?: Partial<Record<CrmKind, readonly string[]>>;
  allowLoopback: boolean;
}

/** A host pattern as configured: a DNS name, optionally `*.` before it. */
export const HOST_PATTERN = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // 0.0.0.0 and :: reach this machine too when connected to.
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === '::' || host === '0.0.0.0' || host === '::ffff:7f00:1';
}

function matches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p;
}

/** Why a credentialed call may not go to this URL, or undefined when it may. */
export function hostProblem(url: string, policy: HostPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `${parsed.protocol} is not http(s)`;
  if (parsed.username || parsed.password) return 'a URL must not carry a user name or password';
  // WHATWG URL has already normalised the host (lower case, IPv4 in dotted form: 2130706433 is 127.0.0.1).
  const host = parsed.hostname.replace(/\.$/, '');
  if (isLoopbackHost(host)) return policy.allowLoopback ? undefined : `${host} is a loopback address, allowed only for the emulators outside production`;
  if (!policy.hosts.some((p) => matches(host, p))) return `${host} is not one of the allowed hosts (${policy.hosts.join(', ') || 'none'})`;
  if (parsed.protocol !== 'https:') return `${host} must be reached over https`;
  return undefined;
}

/** Throws before a credentialed call goes to a host outside the connection's policy. */
export function refuseForeignHost(url: string, policy: HostPolicy, endpoint: string): void {
  const problem = hostProblem(url, policy);
  if (problem) throw new SystemError('AUTHENTICATION', 'HOST_NOT_ALLOWED', `${endpoint}: credentials are not sent there: ${problem}`, { endpoint });
}

/** A credentialed call is never redirected: the answer is refused, naming where it pointed (host only). */
export function refuseRedirect(res: Response, url: string, endpoint: string): void {
  if (res.status < 300 || res.status > 399 || res.status === 304) return;
  void res.body?.cancel().catch(() => undefined);
  const location = res.headers.get('location');
  let target = 'elsewhere';
  try {
    if (location) target = new URL(location, url).host;
  } catch {
    /* an unreadable Location names nothing */
  }
  throw new SystemError(
    'AUTHENTICATION',
    'REDIRECT_REFUSED',
    `${endpoint} answered ${res.status} redirecting to ${target}: calls carrying credentials are never redirected; check the connection's baseUrl`,
    { status: res.status, endpoint },
  );
}

/** An adapter built without a policy (tests, scripts): its CRM's host family, and loopback for the emulators. */
export function defaultHostPolicy(family: readonly string[]): HostPolicy {
  return { hosts: family, allowLoopback: true };
}
