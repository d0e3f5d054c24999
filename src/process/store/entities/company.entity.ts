import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StoredCompany } from '../../stored';

@Entity('companies')
export class CompanyEntity implements StoredCompany {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { nullable: true }) name!: string | null;
  /** Name without legal suffixes, punctuation or case: what two CRMs' spellings share. */
  @Column('text', { name: 'name_key', nullable: true }) nameKey!: string | null;
  @Column('text', { nullable: true }) domain!: string | null;
  @Column('text', { nullable: true }) country!: string | null;
  @Column('jsonb') custom!: Record<string, unknown>;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
