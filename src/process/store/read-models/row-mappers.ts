/**
 * Raw rows (snake_case, as `pg` returns them) to the store's entity shapes. The read
 * queries are plain SQL so every page costs a known number of statements; these keep the
 * column-to-property mapping in one place.
 */
import type {
  CompanyEntity,
  ConnectionEntity,
  ContactEntity,
  FieldProvenanceEntity,
  SourceLinkEntity,
  SyncRunEntity,
} from '../entities';

export type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function mapContact(r: Row): ContactEntity {
  return {
    id: str(r.id),
    email: strOrNull(r.email),
    firstName: strOrNull(r.first_name),
    lastName: strOrNull(r.last_name),
    phone: strOrNull(r.phone),
    title: strOrNull(r.title),
    linkedinUrl: strOrNull(r.linkedin_url),
    city: strOrNull(r.city),
    state: strOrNull(r.state),
    country: strOrNull(r.country),
    postalCode: strOrNull(r.postal_code),
    lifecycleStage: str(r.lifecycle_stage),
    companyId: strOrNull(r.company_id),
    custom: obj(r.custom),
    verifiedFields: Array.isArray(r.verified_fields) ? r.verified_fields.map(String) : [],
    mergedInto: strOrNull(r.merged_into),
    deletedAt: dateOrNull(r.deleted_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function mapCompany(r: Row): CompanyEntity {
  return {
    id: str(r.id),
    name: strOrNull(r.name),
    nameKey: strOrNull(r.name_key),
    domain: strOrNull(r.domain),
    country: strOrNull(r.country),
    custom: obj(r.custom),
    deletedAt: dateOrNull(r.deleted_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function mapSourceLink(r: Row): SourceLinkEntity {
  return {
    id: str(r.id),
    recordKind: str(r.record_kind) as SourceLinkEntity['recordKind'],
    recordId: str(r.record_id),
    connectionId: str(r.connection_id),
    remoteType: str(r.remote_type),
    remoteId: str(r.remote_id),
    remoteUpdatedAt: dateOrNull(r.remote_updated_at),
    lastSyncedAt: date(r.last_synced_at),
    contentHash: strOrNull(r.content_hash),
    detachedAt: dateOrNull(r.detached_at),
  };
}

export function mapProvenance(r: Row): FieldProvenanceEntity {
  return {
    recordId: str(r.record_id),
    field: str(r.field),
    value: r.value ?? null,
    connectionId: strOrNull(r.connection_id),
    changedAt: date(r.changed_at),
    rejected: ((r.rejected as Array<Record<string, unknown>> | null | undefined) ?? []).map((x) => ({
      value: x.value ?? null,
      connectionId: str(x.connectionId),
      reason: str(x.reason) as 'VERIFIED' | 'OWNED_ELSEWHERE' | 'OLDER',
      changedAt: date(x.changedAt),
    })),
  };
}

export function mapSyncRun(r: Row): SyncRunEntity {
  return {
    id: str(r.id),
    connectionId: str(r.connection_id),
    mode: str(r.mode) as SyncRunEntity['mode'],
    status: str(r.status) as SyncRunEntity['status'],
    dryRun: r.dry_run === true,
    startedAt: dateOrNull(r.started_at),
    finishedAt: dateOrNull(r.finished_at),
    heartbeatAt: dateOrNull(r.heartbeat_at),
    workerId: strOrNull(r.worker_id),
    progress: num(r.progress),
    recordsRead: num(r.records_read),
    recordsWritten: num(r.records_written),
    recordsFailed: num(r.records_failed),
    recordsQuarantined: num(r.records_quarantined),
    recordsTotal: r.records_total == null ? null : num(r.records_total),
    apiCalls: num(r.api_calls),
    cancelRequestedAt: dateOrNull(r.cancel_requested_at),
    plannedChanges: Array.isArray(r.planned_changes) ? (r.planned_changes as SyncRunEntity['plannedChanges']) : null,
    error: strOrNull(r.error),
    createdAt: date(r.created_at),
    notBefore: dateOrNull(r.not_before),
  };
}

/** A connection as reads see it: the sealed credentials never leave the connection service; sync-internal mapping state is not read. */
export type ConnectionView = Omit<ConnectionEntity, 'credentialsSealed' | 'schemaDrift' | 'orgFeatures' | 'fieldMappings' | 'testedMappingVersion' | 'testBatchPassedAt'>;

export function mapConnection(r: Row): ConnectionView {
  return {
    id: str(r.id),
    name: str(r.name),
    kind: str(r.kind) as ConnectionEntity['kind'],
    baseUrl: str(r.base_url),
    apiVersion: str(r.api_version),
    status: str(r.status) as ConnectionEntity['status'],
    statusReason: strOrNull(r.status_reason),
    circuit: str(r.circuit) as ConnectionEntity['circuit'],
    enabled: r.enabled === true,
    tokenExpiresAt: dateOrNull(r.token_expires_at),
    refreshTokenExpiresAt: dateOrNull(r.refresh_token_expires_at),
    lastSuccessfulSyncAt: dateOrNull(r.last_successful_sync_at),
    apiUsed: numOrNull(r.api_used),
    apiLimit: numOrNull(r.api_limit),
    apiResetsAt: dateOrNull(r.api_resets_at),
    settings: obj(r.settings),
    credentialsRefusedAt: dateOrNull(r.credentials_refused_at),
    deletedAt: dateOrNull(r.deleted_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}
