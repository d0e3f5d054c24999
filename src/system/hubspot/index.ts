/** The HubSpot CRM module: descriptor, adapter factory, emulator. */
import type { CrmModule } from '../crm-module';
import { hubspotConsent } from './consent';
import type { AdapterOptions } from '../system-api';
import { HubspotAdapter } from './adapter';
import { HUBSPOT_DESCRIPTOR } from './descriptor';
import { startHubspotEmulator } from './emulator';

import { hubspotWebhooks } from './webhook-verifier';

export const hubspot: CrmModule = {
  descriptor: HUBSPOT_DESCRIPTOR,
  createAdapter: (options: AdapterOptions) => new HubspotAdapter(options),
  startEmulator: (options) => startHubspotEmulator(options),
  webhooks: hubspotWebhooks,
  consent: hubspotConsent,
};
