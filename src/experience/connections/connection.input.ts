import { Field, InputType } from 'type-graphql';
import type { CrmKind } from '../../process/queries';
import { CrmKindEnum } from '../common/enums';

@InputType({ description: "OAuth client credentials for the CRM; encrypted at rest, never returned." })
export class ConnectionCredentialsInput {
  @Field() clientId!: string;
  @Field() clientSecret!: string;
  @Field(() => String, { nullable: true }) refreshToken?: string | null;
  @Field(() => String, { nullable: true, description: 'Dynamics only: the Entra ID tenant.' }) tenantId?: string | null;
}

@InputType()
export class CreateConnectionInput {
  @Field({ description: 'Unique; creating a connection with an existing name updates that connection.' }) name!: string;
  @Field(() => CrmKindEnum) kind!: CrmKind;
  @Field({ description: 'http(s) URL of the CRM instance (or its emulator).' }) baseUrl!: string;
  @Field(() => String, { nullable: true, description: "Defaults to the CRM's current version." }) apiVersion?: string | null;
  @Field(() => ConnectionCredentialsInput) credentials!: ConnectionCredentialsInput;
}
