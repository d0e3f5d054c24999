/** Dynamics 365's emulator fixture: the facts the contract suite checks, and Entra ID tokens and raw Web API access for the wire tests. */
import type { RunningEmulator } from '../../../src/system';
import type { AdapterOptions } from '../../../src/system/system-api';
import { crmAdapter, startCrmEmulator } from '../emulators';
import type { CrmFixture } from './fixture';

/** Client credentials against a tenant: Dataverse has no refresh token. */
export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', tenantId: 'contoso.onmicrosoft.com' };

// Dataverse answers a spent allowance with its request-limit 429 (it has no daily quota).
const REQUEST_LIMIT = '0x80072322';

export const DYNAMICS_FIXTURE: CrmFixture = {
  credentials: SANDBOX,
  apiVersion: '9.2',
  contactType: 'contacts',
  fields: ['firstname', 'lastname', 'emailaddress1', 'jobtitle'],
  emailField: 'emailaddress1',
  valid: (n) => ({ firstname: 'Ada', lastname: `Lovelace${n}`, emailaddress1: `ada${n}@analytical.example.com` }),
  invalid: { firstname: 'No', emailaddress1: 'no-last-name@example.com' },
  update: ['jobtitle', 'Countess'],
  refusal: 'invalid_grant',
  // An hour-long client-credentials token.
  tokenLifetimeMs: [59 * 60_000, 3599_000],
  refreshesAhead: false,
  badCredentials: { credentials: { ...SANDBOX, clientSecret: 'wrong-secret-value' }, code: 'invalid_client', message: 'AADSTS7000215' },
  quota: { retried: true, error: { errorClass: 'RATE_LIMIT', code: REQUEST_LIMIT, details: { status: 429, retryAfterMs: 5000 } } },
  rateLimitCode: REQUEST_LIMIT,
  serverCode: '0x80040216',
  // The x-ms-ratelimit headers, against 6,000 requests per 5 minutes.
  usage: { first: { used: 1, limit: 6000 }, afterOneCall: { used: 2, limit: 6000 }, fromHeaders: true },
};

export const startEmulator = (seed = 0): Promise<RunningEmulator> => startCrmEmulator('DYNAMICS', seed);
export const makeAdapter = (emu: RunningEmulator, overrides: Partial<AdapterOptions> = {}) => crmAdapter('DYNAMICS', emu, SANDBOX, overrides);

/** A client-credentials token from the emulator's Entra ID endpoint (what msal would fetch over https). */
export async function fetchToken(emu: RunningEmulator, form: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emu.url}/${SANDBOX.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: SANDBOX.clientId,
      client_secret: SANDBOX.clientSecret,
      scope: `${emu.url}/.default`,
      ...form,
    }).toString(),
  });
}

export async function accessToken(emu: RunningEmulator): Promise<string> {
  const res = await fetchToken(emu);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Raw HTTP to the data API with a fresh sandbox token. */
export async function rawClient(emu: RunningEmulator): Promise<(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }) => Promise<Response>> {
  const token = await accessToken(emu);
  return (method, path, init = {}) =>
    fetch(`${emu.url}/api/data/v9.2/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'OData-Version': '4.0', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body,
    });
}
