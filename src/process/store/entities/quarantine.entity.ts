import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface RecordIssue {
  field: string;
  rule: string;
  message: string;
}

@Entity('quarantine')
export class QuarantineEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'connection_id', nullable: true }) connectionId!: string | null;
  @Column('text', { name: 'record_kind' }) recordKind!: string;
  @Column('text', { name: 'remote_type', nullable: true }) remoteType!: string | null;
  @Column('text', { name: 'remote_id', nullable: true }) remoteId!: string | null;
  @Column('jsonb') payload!: Record<string, unknown>;
  @Column('jsonb') issues!: RecordIssue[];
  @Column('text') status!: 'PENDING' | 'RESOLVED' | 'DISCARDED';
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
