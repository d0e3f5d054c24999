/** Salesforce test helpers: its emulator and adapter, jsforce signed in, and a raw token for the wire tests (its contract facts are in index.ts). */
import jsforce, { type Connection } from 'jsforce';
import type { RunningEmulator } from '../../../src/system';
import type { AdapterOptions, SystemAdapter } from '../../../src/system/system-api';
import { crmAdapter, SANDBOX, startCrmEmulator } from '../emulators';

export { SANDBOX };

// jsforce routes even localhost traffic through a proxy when these are set (crm-wire.md §4.1).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

export const startEmulator = (seed = 0): Promise<RunningEmulator> => startCrmEmulator('SALESFORCE', seed);
export const adapterFor = (url: string, overrides: Partial<AdapterOptions> = {}): SystemAdapter => crmAdapter('SALESFORCE', url, { ...SANDBOX }, overrides).adapter;

export function connect(url: string): Connection {
  const conn = new jsforce.Connection({
    oauth2: { clientId: SANDBOX.clientId, clientSecret: SANDBOX.clientSecret, loginUrl: url },
    instanceUrl: url,
    refreshToken: SANDBOX.refreshToken,
    version: '59.0',
  });
  conn.bulk2.pollInterval = 50;
  return conn;
}

/** A raw access token for wire-level tests. */
export async function token(url: string): Promise<string> {
  const res = await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: SANDBOX.refreshToken, client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret }).toString(),
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}
