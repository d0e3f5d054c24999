/** The Dynamics 365 (Dataverse) CRM module: descriptor, adapter factory, emulator, webhook check. */
import type { CrmModule } from '../crm-module';
import { dynamicsConsent } from './consent';
import type { AdapterOptions } from '../system-api';
import { DynamicsAdapter } from './adapter';
import { DYNAMICS_DESCRIPTOR } from './descriptor';
import { startDynamicsEmulator } from './emulator';
import { dataverseWebhooks } from './webhook-verifier';

export const dynamics: CrmModule = {
  descriptor: DYNAMICS_DESCRIPTOR,
  createAdapter: (options: AdapterOptions) => new DynamicsAdapter(options),
  startEmulator: (options) => startDynamicsEmulator(options),
  webhooks: dataverseWebhooks,
  consent: dynamicsConsent,
};
