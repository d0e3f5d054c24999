import { Field, InputType } from 'type-graphql';
import type { CrmKind } from '../../process';
import { authorityUrlRule, refreshTokenRule, tenantIdRule } from '../common/crm-docs';
import { CrmKindEnum } from '../common/enums';
import { ConnectionSettingsInput } from './connection-settings.types';

@InputType({
  description:
    'Credentials for the CRM, one of the ways it authenticates; encrypted at rest, never returned. An OAuth client: clientId + clientSecret (+ refreshToken, tenantId, authorityUrl as the CRM takes them). ' +
    'Salesforce JWT bearer: clientId (the consumer key) + username + privateKeyPem. HubSpot private app: accessToken (pat-…). A field the chosen way does not use is refused.',
})
export class ConnectionCredentialsInput {
  @Field(() => String, { nullable: true, description: 'The OAuth client id (Salesforce consumer key, Entra application id); needed except with a private-app accessToken.' })
  clientId?: string | null;
  @Field(() => String, { nullable: true, description: 'Needed by an OAuth client; optional with JWT bearer or a private-app token, where it only keys change notifications.' })
  clientSecret?: string | null;
  @Field(() => String, { nullable: true, description: refreshTokenRule() })
  refreshToken?: string | null;
  @Field(() => String, { nullable: true, description: tenantIdRule() }) tenantId?: string | null;
  @Field(() => String, { nullable: true, description: 'Salesforce JWT bearer: the pre-authorized integration user (the assertion\'s sub).' }) username?: string | null;
  @Field(() => String, { nullable: true, description: "Salesforce JWT bearer: the RSA private key (PEM) whose certificate is uploaded to the connected app." })
  privateKeyPem?: string | null;
  @Field(() => String, { nullable: true, description: 'HubSpot private app: its access token (pat-…); it never expires and is never refreshed.' }) accessToken?: string | null;
  @Field(() => String, { nullable: true, description: authorityUrlRule() }) authorityUrl?: string | null;
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
