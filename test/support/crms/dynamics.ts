/** Dynamics 365 test helpers: its emulator, Entra ID tokens and raw Web API access for the wire tests (its contract facts are in index.ts). */
import type { RunningEmulator } from '../../../src/system';
import { startCrmEmulator } from '../emulators';

/** Client credentials against a tenant: Dataverse has no refresh token. */
export const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', tenantId: 'contoso.onmicrosoft.com' };

export const startEmulator = (seed = 0): Promise<RunningEmulator> => startCrmEmulator('DYNAMICS', seed);

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
