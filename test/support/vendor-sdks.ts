/**
 * The vendors' own SDKs, signed in to an emulator with the sandbox credentials: jsforce
 * 3.10.16, @hubspot/api-client and dynamics-web-api read what the emulators store the way an
 * integration would. Tests use them as independent witnesses of what Junction wrote.
 */
import { Client as HubSpotClient } from '@hubspot/api-client';
import { DynamicsWebApi } from 'dynamics-web-api';
import jsforce, { type Connection } from 'jsforce';
import type { RunningEmulator } from '../../src/system';
import { accessToken } from './crms/dynamics';
import { SANDBOX } from './emulators';

// jsforce routes even localhost traffic through a proxy when these are set (crm-wire.md §4.1).
for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];

export function salesforceSdk(url: string): Connection {
  return new jsforce.Connection({ oauth2: { ...SANDBOX, loginUrl: url }, instanceUrl: url, refreshToken: SANDBOX.refreshToken, version: '59.0' });
}

/** One per test file: the SDK's retry and limiter decorators are process-global (crm-wire.md §4.2). */
export async function hubspotSdk(url: string, numberOfApiCallRetries = 0): Promise<HubSpotClient> {
  const client = new HubSpotClient({ basePath: url, numberOfApiCallRetries });
  const token = await client.oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
  client.setAccessToken(token.accessToken);
  return client;
}

/** msal refuses a plain-http authority, so the token comes from the emulator's Entra ID endpoint directly (crm-wire.md §4.3). */
export function dataverseSdk(emu: RunningEmulator): DynamicsWebApi {
  return new DynamicsWebApi({ serverUrl: emu.url, dataApi: { version: '9.2' }, onTokenRefresh: () => accessToken(emu) });
}
