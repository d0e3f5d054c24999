/**
 * Salesforce's web server flow with PKCE (crm-wire §6.1 item 1): the person consents at
 * `{loginUrl}/services/oauth2/authorize`; the code is exchanged at `{loginUrl}/services/oauth2/token`.
 * `refresh_token` must be among the scopes, or no refresh token comes back; `id` lets the
 * session read who the integration user is (provisioning assigns its permission set to that user).
 */
import { authorizeUrl, exchangeCode, type ConsentProtocol } from '../consent/consent-protocol';

export const SALESFORCE_DEFAULT_SCOPES = ['api', 'refresh_token', 'id'] as const;

export const salesforceConsent: ConsentProtocol = {
  authorizeUrl: (request) => authorizeUrl(`${request.baseUrl}/services/oauth2/authorize`, request, request.scopes?.length ? request.scopes : SALESFORCE_DEFAULT_SCOPES),
  exchange: (request) => exchangeCode(`${request.baseUrl}/services/oauth2/token`, request),
};
