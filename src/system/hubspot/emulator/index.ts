/** Starts the HubSpot emulator on 127.0.0.1 (port 0 picks a free one). */
import type { DemoPerson } from '../../demo-data/people';
import { EmulatorClock, EmulatorServer, TokenRegistry, type EmulatorStartOptions, type RunningEmulator } from '../../emulator-kit';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_LIMITS } from '../descriptor';
import { seedPeople } from './seed';
import { createState } from './state';
import { HubspotEmulator } from './vendor';

export async function startHubspotEmulator(options: EmulatorStartOptions = {}): Promise<RunningEmulator> {
  const ctx = { clock: new EmulatorClock(), tokens: new TokenRegistry(HUBSPOT_LIMITS.tokenTtlMs), webhooks: [] as string[] };
  const state = createState(ctx);
  const server = new EmulatorServer(new HubspotEmulator(state), ctx);
  await server.listen(options.port ?? HUBSPOT_DESCRIPTOR.defaultEmulatorPort);
  return {
    kind: 'HUBSPOT',
    url: server.url,
    server,
    seed: (people: DemoPerson[]) => seedPeople(state, people),
    close: () => {
      state.webhooks.stop();
      return server.close();
    },
  };
}
