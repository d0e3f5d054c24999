/**
 * Every enum of the API, registered once. Values come from the lower tiers' own lists so
 * the schema cannot drift from what the store and adapters use.
 */
import { registerEnumType } from 'type-graphql';
import { AUDIT_STATUSES, type AuditStatus, type CircuitState, CONNECTION_STATUSES, type ConnectionStatus, type CrmKind, DELETE_PROPAGATION, type DeletePropagation, ERROR_CLASSES, type ErrorClass, FIELD_TRANSFORMS, type FieldTransform, type LifecycleStage, MAPPING_DIRECTIONS, type MappingDirection, type RecordKind, type Role, ROLES, supportedCrmKinds, SYNC_RUN_STATUSES, type SyncMode, type SyncRunStatus } from '../../process';

/** `{ A: 'A', B: 'B' }` from a list of values: type-graphql registers enum objects. */
function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

/** The registered CRMs; refreshed whenever a schema is built, so a CRM registered since is in it. */
export const CrmKindEnum = enumOf<CrmKind>(supportedCrmKinds());
export function refreshCrmKindEnum(): void {
  Object.assign(CrmKindEnum, enumOf<CrmKind>(supportedCrmKinds()));
}
export const ConnectionStatusEnum = enumOf<ConnectionStatus>(CONNECTION_STATUSES);
export const DeletePropagationEnum = enumOf<DeletePropagation>(DELETE_PROPAGATION);
export const CircuitStateEnum = enumOf<CircuitState>(['CLOSED', 'OPEN', 'HALF_OPEN']);
export const SyncModeEnum = enumOf<SyncMode>(['INCREMENTAL', 'BULK', 'TEST_BATCH']);
export const SyncRunStatusEnum = enumOf<SyncRunStatus>(SYNC_RUN_STATUSES);
export const RecordKindEnum = enumOf<RecordKind>(['CONTACT', 'COMPANY']);
export const RoleEnum = enumOf<Role>(ROLES);
export const ErrorClassEnum = enumOf<ErrorClass>(ERROR_CLASSES);
export const LifecycleStageEnum = enumOf<LifecycleStage>(['LEAD', 'CONTACT']);
export const AuditStatusEnum = enumOf<AuditStatus>(AUDIT_STATUSES);
export const AuditChangeEnum = enumOf(['IMPROVED', 'WORSENED', 'UNCHANGED', 'CHANGED'] as const);
export const MappingDirectionEnum = enumOf<MappingDirection>(MAPPING_DIRECTIONS);
export const FieldTransformEnum = enumOf<FieldTransform>(FIELD_TRANSFORMS);

registerEnumType(AuditStatusEnum, { name: 'AuditStatus', description: 'QUEUED until a worker takes it, RUNNING while the CRMs are exported, then SUCCEEDED (with its report) or FAILED.' });
registerEnumType(AuditChangeEnum, { name: 'AuditChange', description: 'How a figure moved since the previous audit: lower is better for all but the contact count (CHANGED).' });
registerEnumType(CrmKindEnum, { name: 'CrmKind', description: 'The CRM product a connection talks to.' });
registerEnumType(ConnectionStatusEnum, {
  name: 'ConnectionStatus',
  valuesConfig: {
    UNKNOWN: { description: 'Nothing has proven the connection yet: no test passed and no run got through.' },
    HEALTHY: { description: 'Working as far as Junction knows.' },
    DEGRADED: { description: 'Working with gaps (a mapped field vanished from the CRM); statusReason says which.' },
    FAILING: { description: 'Not working: the CRM refused the credentials; statusReason says how to fix it.' },
    PAUSED: { description: 'Paused by a person (until resumed) or by a spent daily quota (until the reset), or deleted.' },
  },
});
registerEnumType(DeletePropagationEnum, {
  name: 'DeletePropagation',
  description: 'What a record deleted in the unified store becomes in this CRM (never a hard delete).',
  valuesConfig: {
    FLAG: { description: "Junction's deleted flag field is set (the default)." },
    ARCHIVE: { description: "The CRM's own archive where it is soft (HubSpot); FLAG elsewhere." },
    NONE: { description: 'Deletes are not propagated to this connection.' },
  },
});
registerEnumType(CircuitStateEnum, { name: 'CircuitState', description: "State of the connection's circuit breaker." });
registerEnumType(SyncModeEnum, {
  name: 'SyncMode',
  valuesConfig: {
    INCREMENTAL: { description: 'Changes since the last cursor.' },
    BULK: { description: 'Every record: initial load or full refresh.' },
    TEST_BATCH: { description: 'The first 10 records end to end.' },
  },
});
registerEnumType(SyncRunStatusEnum, { name: 'SyncRunStatus' });
registerEnumType(RecordKindEnum, { name: 'RecordKind' });
registerEnumType(RoleEnum, {
  name: 'Role',
  valuesConfig: {
    VIEWER: { description: 'Read everything and subscribe.' },
    PARTNER: { description: 'Read contacts and companies; upsert contacts.' },
    OPERATOR: { description: 'Viewer, plus sync, quarantine, merges and verification.' },
    ADMIN: { description: 'Operator, plus connections, rules and API keys.' },
  },
});
registerEnumType(ErrorClassEnum, { name: 'ErrorClass', description: 'How a failed call to a CRM was classified.' });
registerEnumType(LifecycleStageEnum, { name: 'LifecycleStage' });
registerEnumType(MappingDirectionEnum, {
  name: 'MappingDirection',
  description: 'Which way a mapped field travels.',
  valuesConfig: {
    BOTH: { description: 'Read from the CRM and written to it.' },
    INBOUND: { description: 'Read from the CRM, never written to it.' },
    OUTBOUND: { description: 'Written to the CRM, never read from it.' },
    NONE: { description: 'Neither: the field is not synced with this CRM.' },
  },
});
registerEnumType(FieldTransformEnum, {
  name: 'FieldTransform',
  description: 'A named transform from a fixed, tested set: inbound to the store’s form, outbound to the CRM field’s.',
  valuesConfig: {
    TRIM: { description: 'White space trimmed.' },
    LOWER: { description: 'Lower case.' },
    UPPER: { description: 'Upper case.' },
    PHONE_E164: { description: 'Phone numbers as E.164.' },
    COUNTRY: { description: 'ISO 3166-1 code in, the country name out.' },
    STATE: { description: 'Kept in (the store resolves it with the country), the state name out.' },
    DATE_ISO: { description: 'ISO 8601 dates and times.' },
    NUMBER: { description: 'A plain decimal number.' },
  },
});
