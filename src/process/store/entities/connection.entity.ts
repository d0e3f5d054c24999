import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CrmKind } from '../../../system';

import type { FieldMappingEntry } from '../../mapping/mapping-entries';
import type { CircuitState, ConnectionStatus } from '../../stored';

export { CONNECTION_STATUSES, type CircuitState, type ConnectionStatus } from '../../stored';

@Entity('connections')
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** A registered CRM: start-up refuses a stored kind the registry does not list (crm-registry-check.ts). */
  @Column('text') kind!: CrmKind;
  @Column('text', { name: 'base_url' }) baseUrl!: string;
  @Column('text', { name: 'api_version' }) apiVersion!: string;
  /** AES-256-GCM sealed credentials; never decrypted outside the connection service. */
  @Column('text', { name: 'credentials_sealed' }) credentialsSealed!: string;
  @Column('text') status!: ConnectionStatus;
  @Column('text', { name: 'status_reason', nullable: true }) statusReason!: string | null;
  @Column('text') circuit!: CircuitState;
  @Column('boolean') enabled!: boolean;
  /** Null until a token is issued, and for a token that never expires (a HubSpot private-app token). */
  @Column('timestamptz', { name: 'token_expires_at', nullable: true }) tokenExpiresAt!: Date | null;
  /** When the refresh token expires, as the CRM last said (Salesforce introspection); null when it does not say. */
  @Column('timestamptz', { name: 'refresh_token_expires_at', nullable: true }) refreshTokenExpiresAt!: Date | null;
  @Column('timestamptz', { name: 'last_successful_sync_at', nullable: true }) lastSuccessfulSyncAt!: Date | null;
  @Column('integer', { name: 'api_used', nullable: true }) apiUsed!: number | null;
  @Column('integer', { name: 'api_limit', nullable: true }) apiLimit!: number | null;
  @Column('timestamptz', { name: 'api_resets_at', nullable: true }) apiResetsAt!: Date | null;
  @Column('jsonb') settings!: Record<string, unknown>;
  /** Mapped vendor fields the CRM's describe no longer lists, by remote type (schema drift). */
  @Column('jsonb', { name: 'schema_drift' }) schemaDrift!: Record<string, string[]>;
  /** Whether the CRM org has each setting mappers know (Salesforce state and country picklists), as its describes showed; absent: not known yet. */
  @Column('jsonb', { name: 'org_features' }) orgFeatures!: Record<string, boolean>;
  /** The current field-mapping version's entries (field_mapping_versions); null: version 1, the code's mappers. */
  @Column('jsonb', { name: 'field_mappings', nullable: true }) fieldMappings!: FieldMappingEntry[] | null;
  /** The mapping version whose test batch last passed; full runs of another version test first. */
  @Column('text', { name: 'tested_mapping_version', nullable: true }) testedMappingVersion!: string | null;
  @Column('timestamptz', { name: 'test_batch_passed_at', nullable: true }) testBatchPassedAt!: Date | null;
  /** When the CRM last refused the credentials (a refused token grant, or a 401 after a fresh token); null once a token is issued again. */
  @Column('timestamptz', { name: 'credentials_refused_at', nullable: true }) credentialsRefusedAt!: Date | null;
  /** Set by deleteConnection: the row stays as a tombstone that provenance and detached links still name. */
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
