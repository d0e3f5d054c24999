import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('sync_cursors')
export class SyncCursorEntity {
  @PrimaryColumn('uuid', { name: 'connection_id' }) connectionId!: string;
  @PrimaryColumn('text', { name: 'remote_type' }) remoteType!: string;
  @Column('text') cursor!: string;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
