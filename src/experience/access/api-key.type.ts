import { Field, ID, ObjectType } from 'type-graphql';
import type { Role } from '../../process';
import { RoleEnum } from '../common/enums';

@ObjectType({ description: 'An API key as stored: never the key itself, only its visible prefix.' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => RoleEnum) role!: Role;
  @Field({ description: 'The first characters of the key (`jk_` + 5), to tell keys apart.' }) prefix!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'From then on the key is refused like a revoked one; null: no expiry.' }) expiresAt!: Date | null;
}

@ObjectType({ description: 'A new key: `key` is shown this once and never stored; keep it now.' })
export class CreatedApiKey {
  @Field() key!: string;
  @Field(() => ApiKey) apiKey!: ApiKey;
}
