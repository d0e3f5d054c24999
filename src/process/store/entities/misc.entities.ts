/** Smaller tables, kept together: each is a handful of columns. */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredFieldProvenance, RejectedChange } from '../../stored';

export type { RejectedChange } from '../../stored';

@Entity('field_owners')
export class FieldOwnerEntity {
  @PrimaryColumn('text', { name: 'record_kind' }) recordKind!: string;
  @PrimaryColumn('text') field!: string;
  @Column('uuid', { name: 'owner_connection_id', nullable: true }) ownerConnectionId!: string | null;
}

/** A row per field of a record's provenance document (a view over record_provenance since migration 044). */
@Entity('field_provenance')
export class FieldProvenanceEntity implements StoredFieldProvenance {
  @PrimaryColumn('uuid', { name: 'record_id' }) recordId!: string;
  @PrimaryColumn('text') field!: string;
  @Column('jsonb', { nullable: true }) value!: unknown;
  @Column('uuid', { name: 'connection_id', nullable: true }) connectionId!: string | null;
  @Column('timestamptz', { name: 'changed_at' }) changedAt!: Date;
  /** Changes to this field a sync refused (verified, or owned by another connection); read with the provenance. */
  rejected?: RejectedChange[];
}

@Entity('validation_rules')
export class ValidationRuleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { name: 'record_kind' }) recordKind!: string;
  @Column('text') field!: string;
  @Column('text') rule!: string;
  @Column('jsonb') params!: Record<string, unknown>;
  @Column('boolean') enabled!: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

@Entity('merges')
export class MergeEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'master_id' }) masterId!: string;
  @Column('uuid', { name: 'merged_ids', array: true }) mergedIds!: string[];
  @Column('jsonb') snapshot!: Record<string, unknown>;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'undone_at', nullable: true }) undoneAt!: Date | null;
}

export type Role = 'VIEWER' | 'PARTNER' | 'OPERATOR' | 'ADMIN';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') role!: Role;
  /** First characters of the key, safe to log, so a person can tell keys apart. */
  @Column('text') prefix!: string;
  @Column('text', { name: 'key_hash' }) keyHash!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  /** Past this the key is refused like a revoked one (migration 1732700000025); null: no expiry. */
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
}

@Entity('alerts')
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') kind!: string;
  @Column('text') severity!: string;
  @Column('uuid', { name: 'connection_id', nullable: true }) connectionId!: string | null;
  @Column('text', { name: 'dedupe_key' }) dedupeKey!: string;
  @Column('text') message!: string;
  @Column('timestamptz', { name: 'raised_at' }) raisedAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
}
