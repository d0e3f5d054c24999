import { Field, ID, ObjectType } from 'type-graphql';
import type { LifecycleStage, StoredContact } from '../../process';
import { LifecycleStageEnum } from '../common/enums';
import { RelayConnectionType } from '../common/relay';
import { DateTimeScalar, JSONScalar } from '../common/scalars';
import type { Company } from '../companies/company.type';
import type { SourceLink } from './source-link.type';

// simpleResolvers: plain properties read by graphql's default resolver, no per-field wrapper (reads are 100 × ~20 fields).
@ObjectType({ description: 'A unified contact: one person, whatever CRMs know them.', simpleResolvers: true })
export class Contact {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true, description: 'E.164.' }) phone!: string | null;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => String, { nullable: true }) linkedinUrl!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-2 code, e.g. US-NY.' }) state!: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) country!: string | null;
  @Field(() => String, { nullable: true }) postalCode!: string | null;
  @Field(() => LifecycleStageEnum) lifecycleStage!: LifecycleStage;
  @Field(() => [String], { description: 'Fields a person verified: automated syncs never overwrite them.' }) verifiedFields!: string[];
  @Field(() => JSONScalar, { description: 'Unmapped vendor fields, under source-prefixed keys.' }) custom!: Record<string, unknown>;
  @Field(() => ID, { nullable: true, description: 'Set when this contact was merged into another (its master).' }) mergedInto!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Soft-deleted; restorable for 30 days.' }) deletedAt!: Date | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
  /** Resolved to `company` by ContactResolver through a loader. */
  companyId!: string | null;
  /** Relations a list query fetched for its whole page (loaders-preload); resolvers answer from them. */
  preloaded?: { company?: Company | null; sources?: SourceLink[] };
}

@ObjectType()
export class ContactConnection extends RelayConnectionType('Contact', Contact) {}

export const toContact = (c: StoredContact): Contact => ({
  id: c.id,
  email: c.email,
  firstName: c.firstName,
  lastName: c.lastName,
  phone: c.phone,
  title: c.title,
  linkedinUrl: c.linkedinUrl,
  city: c.city,
  state: c.state,
  country: c.country,
  postalCode: c.postalCode,
  lifecycleStage: c.lifecycleStage as LifecycleStage,
  verifiedFields: c.verifiedFields,
  custom: c.custom,
  mergedInto: c.mergedInto,
  deletedAt: c.deletedAt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  companyId: c.companyId,
});
