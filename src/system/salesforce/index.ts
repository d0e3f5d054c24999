/** Salesforce's contribution to Junction: descriptor, adapter factory, emulator and outbound-message check. */
import type { CrmModule } from '../crm-module';
import { salesforceConsent } from './consent';
import { createSalesforceAdapter } from './adapter';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { startSalesforceEmulator } from './emulator';
import { salesforceOutboundMessages } from './webhook-verifier';

export const salesforce: CrmModule = {
  descriptor: SALESFORCE_DESCRIPTOR,
  createAdapter: createSalesforceAdapter,
  startEmulator: (options) => startSalesforceEmulator(options),
  webhooks: salesforceOutboundMessages,
  consent: salesforceConsent,
};
