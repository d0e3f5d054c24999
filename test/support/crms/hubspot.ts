/** HubSpot test helpers: its emulator and raw wire access for the wire tests (its contract facts are in index.ts). */
import type { RunningEmulator } from '../../../src/system';
import { SANDBOX, startCrmEmulator } from '../emulators';

export { SANDBOX };

export const startEmulator = (seed = 0): Promise<RunningEmulator> => startCrmEmulator('HUBSPOT', seed);

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
