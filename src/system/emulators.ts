/**
 * Starts the CRM emulators and seeds them with demo people, some of whom exist in more
 * than one CRM. Used by `npm start`, `npm run emulators` and the tests.
 */
import { seedPlan } from './demo-data/people';
import type { RunningEmulator } from './emulator-kit/running';
import { crmModule, registeredCrms } from './registry';
import type { CrmKind } from './system-api';

export interface StartEmulatorsOptions {
  crms?: CrmKind[];
  /** Demo people per emulator; 0 for none. */
  seed: number;
  /** Default vendor ports (4101…) when true, free ports otherwise. */
  defaultPorts: boolean;
  /** Org settings per CRM from the start (e.g. `{ SALESFORCE: { statePicklists: true } }`). */
  settings?: Partial<Record<CrmKind, Record<string, unknown>>>;
}

export async function startEmulators(options: StartEmulatorsOptions): Promise<RunningEmulator[]> {
  const kinds = (options.crms ?? registeredCrms()).filter((k) => registeredCrms().includes(k));
  const started: RunningEmulator[] = [];
  try {
    for (const kind of kinds) {
      const mod = crmModule(kind);
      started.push(await mod.startEmulator({ port: options.defaultPorts ? mod.descriptor.defaultEmulatorPort : 0, settings: options.settings?.[kind] }));
    }
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
  if (options.seed > 0) {
    const plan = seedPlan(options.seed, started.length);
    started.forEach((emulator, i) => emulator.seed(plan[i]!));
  }
  return started;
}
