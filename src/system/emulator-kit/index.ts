export { EmulatorClock, MonotonicStamp } from './clock';
export { EmulatorServer, type EmulatorContext, type QuotaState, type ResetOptions, type VendorEmulator } from './server';
export { BadJsonError, empty, json, type EmulatorRequest, type EmulatorResponse } from './http';
export { TokenRegistry, bearer } from './tokens';
export { NO_FAULTS, type FaultSettings } from './faults';
export type { RunningEmulator, EmulatorStartOptions, FieldControl } from './running';
export { WebhookOutbox, type WebhookDelivery } from './webhook-outbox';
export { AuthorizationCodes, type CodeRefusal } from './authorization-codes';
export { consentPage } from './consent-page';
