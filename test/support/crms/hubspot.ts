/** HubSpot's emulator fixture: the facts the contract suite checks, and raw wire access for the wire tests. */
import type { RunningEmulator } from '../../../src/system';
import type { AdapterOptions } from '../../../src/system/system-api';
import { crmAdapter, SANDBOX, startCrmEmulator } from '../emulators';
import type { CrmFixture } from './fixture';

export { SANDBOX };

export const HUBSPOT_FIXTURE: CrmFixture = {
  credentials: SANDBOX,
  apiVersion: 'v3',
  contactType: 'contacts',
  fields: ['firstname', 'lastname', 'email', 'jobtitle'],
  emailField: 'email',
  valid: (n) => ({ firstname: 'Ada', lastname: `Lovelace${n}`, email: `ada${n}@analytical.example.com` }),
  invalid: { firstname: 'Bad', email: 'not an email' },
  update: ['jobtitle', 'Countess'],
  refusal: 'BAD_REFRESH_TOKEN',
  tokenLifetimeMs: [29 * 60_000, 30 * 60_000],
  refreshesAhead: true,
  badCredentials: { credentials: { ...SANDBOX, refreshToken: 'revoked' }, code: 'BAD_REFRESH_TOKEN', message: '' },
  // The ten-secondly limit is retried; the DAILY quota is not.
  quota: { retried: false, error: { errorClass: 'RATE_LIMIT', code: 'QUOTA_EXHAUSTED' } },
  rateLimitCode: 'TEN_SECONDLY_ROLLING',
  serverCode: 'SERVICE_UNAVAILABLE',
  // The daily rate-limit headers: 250,000 a day.
  usage: { fault: { quotaRemaining: 1000 }, first: { used: 249_001, limit: 250_000 }, afterOneCall: { used: 249_002, limit: 250_000 }, fromHeaders: true },
};

export const startEmulator = (seed = 0): Promise<RunningEmulator> => startCrmEmulator('HUBSPOT', seed);
export const makeAdapter = (emu: RunningEmulator, overrides: Partial<AdapterOptions> = {}) => crmAdapter('HUBSPOT', emu, SANDBOX, overrides);

/** Raw HTTP to the emulator with a fresh sandbox token. */
export async function rawClient(emu: RunningEmulator): Promise<(method: string, path: string, body?: unknown) => Promise<Response>> {
  const res = await fetch(`${emu.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: SANDBOX.clientId,
      client_secret: SANDBOX.clientSecret,
      refresh_token: SANDBOX.refreshToken,
    }).toString(),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  return (method, path, body) =>
    fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}
