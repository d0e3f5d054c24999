/** Starts the Dataverse emulator on 127.0.0.1 (port 0 picks a free one). */
import type { DemoPerson } from '../../demo-data/people';
import { AuthorizationCodes, EmulatorClock, EmulatorServer, TokenRegistry, type EmulatorStartOptions, type FieldControl, type RunningEmulator } from '../../emulator-kit';
import { DATAVERSE_LIMITS, DYNAMICS_DESCRIPTOR, resolveEntitySet, type DataverseEntitySet } from '../descriptor';
import { defineColumn, dropColumn, restoreColumn } from './routes-metadata';
import { seedPeople } from './seed';
import { createState } from './state';
import { DataverseEmulator } from './vendor';

export async function startDynamicsEmulator(options: EmulatorStartOptions = {}): Promise<RunningEmulator> {
  const ctx = { clock: new EmulatorClock(), tokens: new TokenRegistry(DATAVERSE_LIMITS.tokenTtlMs), codes: new AuthorizationCodes(), webhooks: [] as string[] };
  const state = createState(ctx);
  const vendor = new DataverseEmulator(state);
  if (options.provisioned) vendor.reset({ provisioned: true });
  const server = new EmulatorServer(vendor, ctx);
  await server.listen(options.port ?? DYNAMICS_DESCRIPTOR.defaultEmulatorPort);
  const fields: FieldControl = {
    define: (object, field) => withSet(object, (set) => defineColumn(state, set, field.toLowerCase())),
    drop: (object, field) => withSet(object, (set) => dropColumn(state, set, field.toLowerCase())),
    restore: (object, field) => withSet(object, (set) => restoreColumn(state, set, field.toLowerCase())),
  };
  server.fields = fields;
  return {
    kind: 'DYNAMICS',
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

function withSet(object: string, change: (set: DataverseEntitySet) => boolean): boolean {
  const set = resolveEntitySet(object);
  return set ? change(set) : false;
}
