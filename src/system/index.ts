/**
 * The system tier's public face. Other tiers import from here only — never from a CRM
 * folder, its wire types or its emulator (checked by the layering lint rule).
 */
export * from './system-api';
export { ERROR_CLASSES, SystemError, type ErrorClass } from './errors';
export type { CredentialFieldRule, CrmDescriptor, CrmModule, WebhookReply, WebhookRequest, WebhookSecrets, WebhookVerdict, WebhookVerifier } from './crm-module';
export type { CodeExchange, ConsentedTokens, ConsentProtocol, ConsentRequest } from './consent/consent-protocol';
export { webhookKey, webhookSecret } from './webhook-key';
export { checkCrmAuthorityUrl, checkCrmBaseUrl, DEFAULT_CRM_HOST_POLICY, hostPolicyFor } from './crm-hosts';
export { HOST_PATTERN, isLoopbackHost } from './transport/host-policy';
export { scrubVendorText } from './transport/vendor-text';
export { crmModule, isRegisteredCrm, registerCrm, registeredCrms } from './registry';
export { HUBSPOT_LIFECYCLE_STAGES, lifecycleMovesForward, type HubspotLifecycleStage } from './hubspot/descriptor';
export type { RunningEmulator } from './emulator-kit/running';
export type { EmulatorStatsSnapshot } from './emulator-kit/stats';
export { demoPeople, seedPlan, seededRandom, type DemoPerson } from './demo-data/people';
export { startEmulators } from './emulators';
export { API_ACCESS } from './setup-checks';
