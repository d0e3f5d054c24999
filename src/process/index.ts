/**
 * The process tier's public face: everything the experience tier (the API) may use of it.
 * Lint enforces that src/experience imports nothing else from src/process, and never TypeORM.
 * Services, the store's plain shapes (stored.ts) and read models the API serves; no entities.
 */
export type { AuditJobs, AuditRecord } from './audit/audit-jobs';
export type { AuditReport, AuditService } from './audit/audit.service';
export type { CallFailureCount, ConnectionHealth, HealthReport } from './health/health-report';
export type { ChangeDirection } from './audit/audit-comparison';
export type { ConnectionService, UpdateConnectionInput } from './connections/connection.service';
export { CONSENT_FAILURES, type ConnectOutcome, type ConsentFailure, type ConsentService, type StartConnectCommand, type StartedConnect } from './connections/consent.service';
export type { DictionaryEntry } from './mapping/data-dictionary';
export type { DuplicateCandidate } from './store/matching/duplicate-candidate.read-model';
export type { HealthPoint } from './health/health-series';
export type { QuarantineChange } from './quality/quarantine-events';
export type { QuarantineEntry } from './quality/quarantine.service';
export type { StoredMappingVersion } from './store/mapping/field-mapping.repository';
export type { SyncRunService } from './sync/runs/sync-run.service';
export type { UpsertOutcome } from './partner/partner-page';
export type { WebhookService } from './sync/runs/webhook.service';
export { ALERT_CHANNELS, ALERT_KINDS, ALERT_SEVERITIES, type AlertChannel, type AlertKind, type AlertSeverity, THRESHOLD_UNIT } from './alerts/alert-rules';
export { AUDIT_STATUSES, type AuditStatus, type CircuitState, CONNECTION_STATUSES, type ConnectionStatus, type PlannedChange, type RecordKind, type RejectedChange, type StoredCompany, type StoredContact, type StoredFieldProvenance, type StoredRunLogEntry, type StoredSourceLink, type StoredSyncError, type StoredSyncRun, SYNC_RUN_STATUSES, type SyncMode, type SyncRunStatus } from './stored';
export { AlertRuleInputError } from './alerts/alert-rule-input';
export { CUSTOM_KEY_PREFIX, CustomFieldConfigError, type CustomFieldSpec, unifiedKeyOf } from './mapping/custom-fields';
export { ConnectionBusyError } from './connections/connection-delete';
export { ConnectionInputError, ConnectionNameTakenError, settingsOf } from './connections/connection-input';
export { effectiveRateLimit } from './connections/connection.service';
export { DEFAULT_PAGE_SIZE, isUuid, MAX_PAGE_SIZE, QueryInputError } from './queries/pagination';
export { DEFAULT_WINDOW, parseWindow } from './health/window';
export { DELETE_PROPAGATION, type DeletePropagation } from './sync/outbound/outbound-deletes';
export { ErrorLogQueries } from './health/error-log';
export { FIELD_TRANSFORMS, type FieldTransform } from './mapping/transforms';
export { FieldMappingInputError } from './mapping/mapping-validation';
export { HealthService } from './health/health.service';
export { MAX_BATCH } from './partner/upsert-contacts';
export { RULE_TYPES, type RuleType, type ValidationRule } from './quality/rules';
export { auditCsv } from './audit/audit-csv';
export { auditMarkdown } from './audit/audit-markdown';
export { changesOnly, plannedCounts } from './sync/runs/planned-changes';
export { createDataQualityServices, type DataQualityServices } from './quality/data-quality-services';
export { createMetricsRegistry } from './metrics/metrics-registry';
export { etaSeconds } from './sync/runs/run-eta';
export { isStatementCancelled } from './store/api-pool';
export { pendingQuarantine } from './health/quarantine-preview';
export { type AlertRow, type AlertRuleView, AlertService } from './alerts/alert.service';
export { type ApiKeyService, AuthFailureCounter, type AuthFailureReason, type AuthFailureReport, AuthFailureStore, AuthThrottle, type AuthThrottleOptions, DEFAULT_AUTH_THROTTLE, type Principal, type Role, ROLES, visibleKeyPrefix } from './access';
export { type CommandOutcome, RecordCommands } from './records/record-commands';
export { type ConnectionView, createReadQueries, type CrmDescriptor, type LifecycleStage, MAX_SEARCH_LENGTH, type Page, type ReadQueries, supportedCrms } from './queries';
export { type CrmKind, ERROR_CLASSES, type ErrorClass, supportedCrmKinds } from './queries/vocabulary';
export { type EventBus, type EventPayloads, NO_EVENTS, type Topic, TOPICS } from './events';
export { type FieldMappingEntry, MAPPING_DIRECTIONS, type MappingDirection } from './mapping/mapping-entries';
export { type FieldMappingService, fieldMappingServiceOver, MappingVersionConflictError } from './mapping/field-mapping.service';
export { type StoreHandle, storeReadiness } from './store/readiness';
