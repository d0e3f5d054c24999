import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Two contacts the fuzzy matcher thinks may be one person (migration 1732700000002). */
@Entity('duplicate_candidates')
export class DuplicateCandidateEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'contact_a' }) contactA!: string;
  @Column('uuid', { name: 'contact_b' }) contactB!: string;
  @Column('double precision') score!: number;
  @Column('text', { name: 'matched_on', array: true }) matchedOn!: string[];
  @Column('text') status!: 'OPEN' | 'MERGED' | 'DISMISSED';
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
