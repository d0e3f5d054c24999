/**
 * HubSpot's OAuth (crm-wire §6.2 item 8): consent at `https://app.hubspot.com/oauth/authorize`
 * for the real API host (an emulator serves it on its own host), the code exchanged at
 * `{baseUrl}/oauth/v1/token`. The scopes are what Junction reads and writes, and the property
 * schemas it provisions (junction_id, junction_deleted).
 */
import { authorizeUrl, exchangeCode, type ConsentProtocol } from '../consent/consent-protocol';

export const HUBSPOT_DEFAULT_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
] as const;

const API_HOST = 'api.hubapi.com';
const CONSENT_PAGE = 'https://app.hubspot.com/oauth/authorize';

export const hubspotConsent: ConsentProtocol = {
  authorizeUrl: (request) =>
    authorizeUrl(new URL(request.baseUrl).hostname === API_HOST ? CONSENT_PAGE : `${request.baseUrl}/oauth/authorize`, request, request.scopes?.length ? request.scopes : HUBSPOT_DEFAULT_SCOPES),
  exchange: (request) => exchangeCode(`${request.baseUrl}/oauth/v1/token`, request),
};
