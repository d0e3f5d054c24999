import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One failed authentication (migration 1732700000005): for the audit, never key material. */
@Entity('auth_failures')
export class AuthFailureEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('timestamptz') at!: Date;
  @Column('text') reason!: string;
  @Column('text') transport!: string;
  /** The key's visible prefix (`jk_` + 5), as api_keys.prefix stores it; null for malformed values. */
  @Column('text', { name: 'key_prefix', nullable: true }) keyPrefix!: string | null;
  @Column('text', { name: 'source_address', nullable: true }) sourceAddress!: string | null;
  /** Alike failures this row stands for (repeats within the aggregation interval; migration 1732700000025). */
  @Column('int') count!: number;
}
