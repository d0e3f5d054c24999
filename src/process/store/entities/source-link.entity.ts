import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RecordKind, StoredSourceLink } from '../../stored';

export type { RecordKind } from '../../stored';

/** One record in one CRM, linked to the unified record it feeds. */
@Entity('source_links')
export class SourceLinkEntity implements StoredSourceLink {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'record_kind' }) recordKind!: RecordKind;
  @Column('uuid', { name: 'record_id' }) recordId!: string;
  @Column('uuid', { name: 'connection_id' }) connectionId!: string;
  @Column('text', { name: 'remote_type' }) remoteType!: string;
  @Column('text', { name: 'remote_id' }) remoteId!: string;
  @Column('timestamptz', { name: 'remote_updated_at', nullable: true }) remoteUpdatedAt!: Date | null;
  @Column('timestamptz', { name: 'last_synced_at' }) lastSyncedAt!: Date;
  // `known_state` (jsonb), the vendor fields last read from or written to the record, is sync's
  // own: read and written only by the outbound and page writers' SQL, never loaded with a link.
  /** Hash of the mapped values last exchanged with this CRM: an unchanged hash is an echo. */
  @Column('text', { name: 'content_hash', nullable: true }) contentHash!: string | null;
  /** Its connection was deleted: kept as history, never read or written through again. */
  @Column('timestamptz', { name: 'detached_at', nullable: true }) detachedAt!: Date | null;
}
