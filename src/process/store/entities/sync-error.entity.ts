import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredSyncError } from '../../stored';

/** One cause is one row: repeats bump occurrences and add record ids. */
@Entity('sync_errors')
export class SyncErrorEntity implements StoredSyncError {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id', nullable: true }) connectionId!: string | null;
  @Column('uuid', { name: 'run_id', nullable: true }) runId!: string | null;
  @Column('text') fingerprint!: string;
  @Column('text', { name: 'error_class' }) errorClass!: string;
  @Column('text') code!: string;
  @Column('text') message!: string;
  @Column('text', { nullable: true }) endpoint!: string | null;
  @Column('text', { name: 'record_ids', array: true }) recordIds!: string[];
  @Column('timestamptz', { name: 'first_seen_at' }) firstSeenAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
  @Column('integer') occurrences!: number;
  @Column('integer') attempts!: number;
}
