import { Field, ID, ObjectType } from 'type-graphql';
import type { Role } from '../../process';
import { RoleEnum } from '../common/enums';

@ObjectType({ description: 'The API key making the request.' })
export class Viewer {
  @Field(() => ID) apiKeyId!: string;
  @Field(() => RoleEnum) role!: Role;
}
