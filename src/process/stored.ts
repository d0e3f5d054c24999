/**
 * What the store holds, as the tiers above it see it: plain shapes, no TypeORM. The entities
 * under store/entities implement these (so a column the API reads can't drift from them), and
 * the experience tier speaks only these.
 */
import type { RecordKind } from './model';

export type { RecordKind };

/** UNKNOWN: nothing (a test or a run) has proven the connection yet. */
export type ConnectionStatus = 'UNKNOWN' | 'HEALTHY' | 'DEGRADED' | 'FAILING' | 'PAUSED';
export const CONNECTION_STATUSES: readonly ConnectionStatus[] = ['UNKNOWN', 'HEALTHY', 'DEGRADED', 'FAILING', 'PAUSED'];
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export type SyncMode = 'INCREMENTAL' | 'BULK' | 'TEST_BATCH';
/**
 * SCHEDULED: a full run waiting for its connection's sync window (holds no active slot);
 * INTERRUPTED: Junction stopped during it (its next attempt goes on); CANCELLED: an operator
 * stopped it (not resumed on its own).
 */
export const SYNC_RUN_STATUSES = ['SCHEDULED', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'INTERRUPTED', 'CANCELLED'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** One step of a run's log (sync_run_logs): a page read and applied, a retry, an error, the end. */
export interface StoredRunLogEntry {
  at: string;
  level: 'INFO' | 'WARN' | 'ERROR';
  message: string;
}

/** One change a dry run would make in a CRM. */
export interface PlannedChange {
  remoteId: string;
  operation: string;
  fields: Record<string, unknown>;
}

/** A unified contact, as stored. */
export interface StoredContact {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  title: string | null;
  linkedinUrl: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  postalCode: string | null;
  lifecycleStage: string;
  companyId: string | null;
  custom: Record<string, unknown>;
  verifiedFields: string[];
  mergedInto: string | null;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A unified company, as stored. */
export interface StoredCompany {
  id: string;
  name: string | null;
  nameKey: string | null;
  domain: string | null;
  country: string | null;
  custom: Record<string, unknown>;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One record in one CRM, linked to the unified record it feeds. */
export interface StoredSourceLink {
  id: string;
  recordKind: RecordKind;
  recordId: string;
  connectionId: string;
  remoteType: string;
  remoteId: string;
  remoteUpdatedAt: Date | null;
  lastSyncedAt: Date;
  contentHash: string | null;
  detachedAt: Date | null;
}

/** A change a sync refused, kept so it is visible (table rejected_changes). */
export interface RejectedChange {
  value: unknown;
  connectionId: string;
  reason: 'VERIFIED' | 'OWNED_ELSEWHERE' | 'OLDER';
  changedAt: Date;
}

/** Where a field's current value came from, and the changes to it a sync refused. */
export interface StoredFieldProvenance {
  recordId: string;
  field: string;
  value: unknown;
  connectionId: string | null;
  changedAt: Date;
  rejected?: RejectedChange[];
}

/** A sync run and its counts. */
export interface StoredSyncRun {
  id: string;
  connectionId: string;
  mode: SyncMode;
  status: SyncRunStatus;
  dryRun: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  workerId: string | null;
  progress: number;
  recordsRead: number;
  recordsWritten: number;
  recordsFailed: number;
  recordsQuarantined: number;
  /** What the vendor says the run's reads hold in all, where it says (null otherwise). */
  recordsTotal: number | null;
  apiCalls: number;
  /** An operator asked to stop it (cancelSync); the engine ends it CANCELLED at its next page. */
  cancelRequestedAt: Date | null;
  plannedChanges: PlannedChange[] | null;
  error: string | null;
  createdAt: Date;
  /** Not started before this: a retry's backoff, or a SCHEDULED full run's window opening. */
  notBefore: Date | null;
}

/** One cause of sync failures: repeats bump occurrences and add record ids. */
export interface StoredSyncError {
  id: string;
  connectionId: string | null;
  runId: string | null;
  fingerprint: string;
  errorClass: string;
  code: string;
  message: string;
  endpoint: string | null;
  recordIds: string[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  occurrences: number;
  attempts: number;
}

export type AuditStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export const AUDIT_STATUSES: readonly AuditStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'];
/** Who asked for an audit: an API caller (runAudit), the quarterly schedule, or `npm run audit` on a stopped store. */
export type AuditTrigger = 'API' | 'SCHEDULE' | 'CLI';

/** One audit of the history (table audit_reports), without its report. */
export interface StoredAuditRun {
  id: string;
  status: AuditStatus;
  trigger: AuditTrigger;
  /** The API key that asked; null for the schedule and the CLI. */
  requestedBy: string | null;
  /** The schedule slot a scheduled audit answers. */
  scheduledFor: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The successful report this one was compared with. */
  previousId: string | null;
  error: string | null;
}
