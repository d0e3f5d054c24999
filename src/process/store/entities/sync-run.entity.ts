import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PlannedChange, SyncMode, StoredSyncRun, SyncRunStatus } from '../../stored';

export type { PlannedChange, SyncMode, SyncRunStatus } from '../../stored';

@Entity('sync_runs')
export class SyncRunEntity implements StoredSyncRun {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('text') mode!: SyncMode;
  @Column('text') status!: SyncRunStatus;
  @Column('boolean', { name: 'dry_run' }) dryRun!: boolean;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('timestamptz', { name: 'heartbeat_at', nullable: true }) heartbeatAt!: Date | null;
  /** The process running it; with a stale heartbeat the run is INTERRUPTED. */
  @Column('text', { name: 'worker_id', nullable: true }) workerId!: string | null;
  @Column('double precision') progress!: number;
  @Column('integer', { name: 'records_read' }) recordsRead!: number;
  @Column('integer', { name: 'records_written' }) recordsWritten!: number;
  @Column('integer', { name: 'records_failed' }) recordsFailed!: number;
  @Column('integer', { name: 'records_quarantined' }) recordsQuarantined!: number;
  @Column('integer', { name: 'records_total', nullable: true }) recordsTotal!: number | null;
  @Column('integer', { name: 'api_calls' }) apiCalls!: number;
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true }) cancelRequestedAt!: Date | null;
  @Column('jsonb', { name: 'planned_changes', nullable: true }) plannedChanges!: PlannedChange[] | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'not_before', nullable: true }) notBefore!: Date | null;
}
