import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredContact } from '../../stored';

@Entity('contacts')
export class ContactEntity implements StoredContact {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { name: 'first_name', nullable: true }) firstName!: string | null;
  @Column('text', { name: 'last_name', nullable: true }) lastName!: string | null;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('text', { nullable: true }) title!: string | null;
  @Column('text', { name: 'linkedin_url', nullable: true }) linkedinUrl!: string | null;
  @Column('text', { nullable: true }) city!: string | null;
  @Column('text', { nullable: true }) state!: string | null;
  @Column('text', { nullable: true }) country!: string | null;
  @Column('text', { name: 'postal_code', nullable: true }) postalCode!: string | null;
  @Column('text', { name: 'lifecycle_stage' }) lifecycleStage!: string;
  @Column('uuid', { name: 'company_id', nullable: true }) companyId!: string | null;
  @Column('jsonb') custom!: Record<string, unknown>;
  @Column('text', { name: 'verified_fields', array: true }) verifiedFields!: string[];
  @Column('uuid', { name: 'merged_into', nullable: true }) mergedInto!: string | null;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
