/**
 * The Fifth CRM as a module, and its one registration: the system module in the system
 * registry and its mapping profile beside it, under the same kind. Nothing else in Junction
 * is told about it.
 */
import { registerMappingProfile } from '../../../src/process/mapping/registry';
import { registerCrm, type CrmModule } from '../../../src/system';
import { FifthAdapter } from './adapter';
import { FIFTH, FIFTH_DESCRIPTOR } from './descriptor';
import { startFifthEmulator } from './emulator';
import { fifthProfile } from './mapping';

export { FIFTH } from './descriptor';

export const fifth: CrmModule = {
  descriptor: FIFTH_DESCRIPTOR,
  createAdapter: (options) => new FifthAdapter(options),
  startEmulator: (options) => startFifthEmulator(options),
};

export function registerFifthCrm(): void {
  registerCrm(fifth);
  registerMappingProfile(FIFTH, fifthProfile);
}
