/** Starts the HubSpot emulator on 127.0.0.1 (port 0 picks a free one). */
import type { DemoPerson } from '../../demo-data/people';
import { AuthorizationCodes, EmulatorClock, EmulatorServer, TokenRegistry, type EmulatorStartOptions, type FieldControl, type RunningEmulator } from '../../emulator-kit';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_LIMITS, resolveObject } from '../descriptor';
import { seedPeople } from './seed';
import { createState, type HubspotState } from './state';
import { HubspotEmulator } from './vendor';

export async function startHubspotEmulator(options: EmulatorStartOptions = {}): Promise<RunningEmulator> {
  const ctx = { clock: new EmulatorClock(), tokens: new TokenRegistry(HUBSPOT_LIMITS.tokenTtlMs), codes: new AuthorizationCodes(), webhooks: [] as string[] };
  const state = createState(ctx);
  const vendor = new HubspotEmulator(state);
  if (options.provisioned) vendor.reset({ provisioned: true });
  const server = new EmulatorServer(vendor, ctx);
  await server.listen(options.port ?? HUBSPOT_DESCRIPTOR.defaultEmulatorPort);
  const fields: FieldControl = {
    define: (object, field) => !!storeOf(state, object)?.properties.create(field),
    drop: (object, field) => storeOf(state, object)?.archiveProperty(field) ?? false,
    restore: (object, field) => storeOf(state, object)?.restoreProperty(field) ?? false,
  };
  server.fields = fields;
  return {
    kind: 'HUBSPOT',
    url: server.url,
    server,
    seed: (people: DemoPerson[]) => seedPeople(state, people),
    fields,
    close: () => {
      state.webhooks.stop();
      return server.close();
    },
  };
}

const storeOf = (state: HubspotState, object: string) => {
  const resolved = resolveObject(object);
  return resolved ? state.stores[resolved] : undefined;
};
