import { Field, ID, ObjectType } from 'type-graphql';
import type { StoredCompany } from '../../process';
import { companyObjects } from '../common/crm-docs';
import { RelayConnectionType } from '../common/relay';
import { DateTimeScalar, JSONScalar } from '../common/scalars';

@ObjectType({ description: `A unified company (${companyObjects()}).`, simpleResolvers: true })
export class Company {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) domain!: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) country!: string | null;
  @Field(() => JSONScalar) custom!: Record<string, unknown>;
  @Field(() => DateTimeScalar, { nullable: true }) deletedAt!: Date | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@ObjectType()
export class CompanyConnection extends RelayConnectionType('Company', Company) {}

export const toCompany = (c: StoredCompany): Company => ({
  id: c.id,
  name: c.name,
  domain: c.domain,
  country: c.country,
  custom: c.custom,
  deletedAt: c.deletedAt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
