/**
 * Delegated consent through Entra ID (crm-wire §6.3 item 16): the person consents at
 * `{authority}/{tenant}/oauth2/v2.0/authorize` to the org's `user_impersonation`; the code is
 * exchanged at `{authority}/{tenant}/oauth2/v2.0/token` for `{org URL}/.default offline_access`
 * (offline_access brings the refresh token). The authority is Entra ID's host, or loopback (the emulator).
 */
import { hostProblem } from '../transport/host-policy';
import { authorizeUrl, exchangeCode, type ConsentProtocol, type ConsentRequest } from '../consent/consent-protocol';

export const ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
/** Entra ID's public and national clouds. */
const AUTHORITY_HOSTS = ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn'];

const authority = (request: Pick<ConsentRequest, 'authorityUrl' | 'tenantId'>) =>
  `${(request.authorityUrl ?? ENTRA_AUTHORITY).replace(/\/+$/, '')}/${encodeURIComponent(request.tenantId ?? 'organizations')}/oauth2/v2.0`;

export const dynamicsConsent: ConsentProtocol = {
  problem(request, hostPolicy) {
    const problem = hostProblem(request.authorityUrl ?? ENTRA_AUTHORITY, { hosts: AUTHORITY_HOSTS, allowLoopback: hostPolicy.allowLoopback });
    return problem ? { field: 'authorityUrl', message: `authorityUrl ${problem}` } : undefined;
  },
  authorizeUrl: (request) =>
    authorizeUrl(`${authority(request)}/authorize`, request, request.scopes?.length ? request.scopes : [`${request.baseUrl}/user_impersonation`, 'offline_access'], { response_mode: 'query' }),
  exchange: (request) =>
    exchangeCode(`${authority(request)}/token`, { ...request, hostPolicy: { hosts: AUTHORITY_HOSTS, allowLoopback: request.hostPolicy.allowLoopback } }, { scope: `${request.baseUrl}/.default offline_access` }),
};
