/** Salesforce's contribution to Junction: descriptor, adapter factory and emulator. */
import type { CrmModule } from '../crm-module';
import { createSalesforceAdapter } from './adapter';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { startSalesforceEmulator } from './emulator';

export const salesforce: CrmModule = {
  descriptor: SALESFORCE_DESCRIPTOR,
  createAdapter: createSalesforceAdapter,
  startEmulator: (options) => startSalesforceEmulator(options),
};
