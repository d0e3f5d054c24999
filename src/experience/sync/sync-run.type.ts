import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { PlannedChange as PlannedChangeRow, StoredRunLogEntry, StoredSyncRun, SyncMode, SyncRunStatus } from '../../process';
import { SyncModeEnum, SyncRunStatusEnum } from '../common/enums';
import { RelayConnectionType } from '../common/relay';
import { DateTimeScalar, JSONScalar, toDate } from '../common/scalars';

@ObjectType({ description: 'A change a dry run would have made (per record and field).' })
export class PlannedChange {
  @Field() remoteId!: string;
  @Field({ description: 'APPLY, NONE (nothing would change), QUARANTINE or SOFT_DELETE.' }) operation!: string;
  @Field(() => JSONScalar, { description: 'Field name → planned value.' }) fields!: Record<string, unknown>;
}

@ObjectType({ description: 'How many records a dry run would touch with one operation.' })
export class PlannedOperationCount {
  @Field({ description: 'APPLY, NONE, QUARANTINE or SOFT_DELETE.' }) operation!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "One step of a run's log: a page read and applied, retries, an error, a cancel, the end." })
export class SyncRunLogEntry {
  @Field(() => DateTimeScalar) at!: Date;
  @Field({ description: 'INFO, WARN or ERROR.' }) level!: string;
  @Field() message!: string;
}

export const toSyncRunLogEntry = (e: StoredRunLogEntry): SyncRunLogEntry => ({ at: toDate(e.at) ?? new Date(0), level: e.level, message: e.message });

@ObjectType()
export class SyncRun {
  @Field(() => ID) id!: string;
  @Field(() => SyncModeEnum) mode!: SyncMode;
  @Field(() => SyncRunStatusEnum) status!: SyncRunStatus;
  @Field() dryRun!: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Float, {
    description: "From 0 to 1: the objects read so far, and the share of the current object's records read where the vendor gave their total (phase steps otherwise).",
  })
  progress!: number;
  @Field(() => Int) recordsRead!: number;
  @Field(() => Int) recordsWritten!: number;
  @Field(() => Int) recordsFailed!: number;
  @Field(() => Int) recordsQuarantined!: number;
  @Field(() => Int, { nullable: true, description: "What the vendor said the run's reads hold in all (HubSpot search, Salesforce query); null where it did not say." })
  recordsTotal!: number | null;
  @Field(() => Int) apiCalls!: number;
  @Field(() => String, { nullable: true, description: 'Why the run failed, when it did.' }) error!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: "A SCHEDULED full run starts then: its connection's sync window opens (settings.schedule.window)." })
  scheduledFor!: Date | null;
  /** Resolved to `connection` by SyncRunResolver through a loader. */
  connectionId!: string;
  /** A dry run's plan: resolved to `plannedChanges` and `plannedSummary` by SyncRunResolver. */
  plan!: PlannedChange[] | null;
}

@ObjectType()
export class SyncRunConnection extends RelayConnectionType('SyncRun', SyncRun) {}

/** A StoredSyncRun as it arrives through Redis: JSON, so dates are ISO strings. */
export type SyncRunPayload = StoredSyncRun | { [K in keyof StoredSyncRun]: StoredSyncRun[K] extends Date | null ? string | Date | null : StoredSyncRun[K] };

/** Maps a stored run — or a pub/sub payload of one, in-process or through Redis — to the API shape. */
export function toSyncRun(r: SyncRunPayload): SyncRun {
  return {
    id: r.id,
    mode: r.mode,
    status: r.status,
    dryRun: r.dryRun,
    startedAt: toDate(r.startedAt),
    finishedAt: toDate(r.finishedAt),
    progress: Number(r.progress),
    recordsRead: r.recordsRead,
    recordsWritten: r.recordsWritten,
    recordsFailed: r.recordsFailed,
    recordsQuarantined: r.recordsQuarantined,
    recordsTotal: r.recordsTotal ?? null,
    apiCalls: r.apiCalls,
    plan: r.plannedChanges ? r.plannedChanges.map(toPlannedChange) : null,
    error: r.error,
    createdAt: toDate(r.createdAt) ?? new Date(0),
    scheduledFor: r.status === 'SCHEDULED' ? toDate(r.notBefore ?? null) : null,
    connectionId: r.connectionId,
  };
}

const toPlannedChange = (c: PlannedChangeRow): PlannedChange => ({ remoteId: c.remoteId, operation: c.operation, fields: c.fields ?? {} });
