import { Field, InputType } from 'type-graphql';
import type { CrmKind } from '../../process';
import { refreshTokenRule, tenantIdRule } from '../common/crm-docs';
import { CrmKindEnum } from '../common/enums';
import { ConnectionSettingsInput } from './connection-settings.types';

@InputType({ description: "OAuth client credentials for the CRM; encrypted at rest, never returned." })
export class ConnectionCredentialsInput {
  @Field() clientId!: string;
  @Field() clientSecret!: string;
  @Field(() => String, { nullable: true, description: refreshTokenRule() })
  refreshToken?: string | null;
  @Field(() => String, { nullable: true, description: tenantIdRule() }) tenantId?: string | null;
}

@InputType()
export class CreateConnectionInput {
  @Field({ description: 'Unique among live connections; an existing name is a CONFLICT (change a connection with updateConnection).' }) name!: string;
  @Field(() => CrmKindEnum) kind!: CrmKind;
  @Field({ description: 'http(s) URL of the CRM instance (or its emulator).' }) baseUrl!: string;
  @Field(() => String, { nullable: true, description: "Defaults to the CRM's current version." }) apiVersion?: string | null;
  @Field(() => ConnectionCredentialsInput) credentials!: ConnectionCredentialsInput;
}

@InputType({ description: 'What to change; every field optional, each checked as on create.' })
export class UpdateConnectionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) baseUrl?: string | null;
  @Field(() => String, { nullable: true }) apiVersion?: string | null;
  @Field(() => ConnectionCredentialsInput, { nullable: true, description: 'Replaces the credentials whole; they are tried at once (one token request).' })
  credentials?: ConnectionCredentialsInput | null;
  @Field(() => ConnectionSettingsInput, { nullable: true }) settings?: ConnectionSettingsInput | null;
}
