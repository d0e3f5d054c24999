import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { CircuitState, ConnectionStatus, ConnectionView, CrmKind } from '../../process';
import { CircuitStateEnum, ConnectionStatusEnum, CrmKindEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import { ConnectionSettings, toConnectionSettings } from './connection-settings.types';
import { CustomField, customFieldsOf } from './custom-field.type';

@ObjectType({ description: "API calls used against the CRM's daily limit, as the vendor last reported them." })
export class ApiUsage {
  @Field(() => Int) used!: number;
  @Field(() => Int) limit!: number;
  @Field(() => Float, { description: 'used / limit, 0 when the limit is 0.' }) ratio!: number;
  @Field(() => DateTimeScalar, { nullable: true }) resetsAt!: Date | null;
}

@ObjectType({ description: 'One configured CRM connection. Credentials are never readable.', simpleResolvers: true })
export class Connection {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => CrmKindEnum) kind!: CrmKind;
  @Field() baseUrl!: string;
  @Field() apiVersion!: string;
  @Field(() => ConnectionStatusEnum) status!: ConnectionStatus;
  @Field(() => String, { nullable: true }) statusReason!: string | null;
  @Field(() => CircuitStateEnum) circuit!: CircuitState;
  @Field() enabled!: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the access token last issued expires (it is refreshed by itself); null before the first and for a token that never expires (a HubSpot private app).' }) tokenExpiresAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: "When the refresh token expires, as the CRM says (Salesforce token introspection); where it does not say (HubSpot's and Entra's refresh tokens carry no date, a private-app token none at all), settings.credentialsExpireAt; null when neither is known. The TOKEN_EXPIRING alerts watch the earlier of the CRM's date and the setting." })
  refreshTokenExpiresAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastSuccessfulSyncAt!: Date | null;
  @Field(() => ApiUsage, { nullable: true, description: 'Null until the CRM has reported usage.' }) apiUsage!: ApiUsage | null;
  @Field(() => [CustomField], { description: 'The vendor custom fields this connection syncs (setCustomFields).' }) customFields!: CustomField[];
  @Field(() => ConnectionSettings, { description: 'Operator settings (updateConnection).' }) settings!: ConnectionSettings;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Set once deleteConnection ran: the connection stays only so its records can name their source.' })
  deletedAt!: Date | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

/** Entity (or its credential-free view) to the API shape. */
export function toConnection(c: ConnectionView): Connection {
  const usage: ApiUsage | null =
    c.apiUsed === null || c.apiLimit === null
      ? null
      : { used: c.apiUsed, limit: c.apiLimit, ratio: c.apiLimit > 0 ? c.apiUsed / c.apiLimit : 0, resetsAt: c.apiResetsAt };
  const settings = toConnectionSettings(c.kind, c.settings, c.baseUrl);
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    baseUrl: c.baseUrl,
    apiVersion: c.apiVersion,
    status: c.status,
    statusReason: c.statusReason,
    circuit: c.circuit,
    enabled: c.enabled,
    tokenExpiresAt: c.tokenExpiresAt,
    // The CRM's word first; where it says nothing, what the operator recorded (the same facts the TOKEN_EXPIRING alerts watch).
    refreshTokenExpiresAt: c.refreshTokenExpiresAt ?? settings.credentialsExpireAt,
    lastSuccessfulSyncAt: c.lastSuccessfulSyncAt,
    apiUsage: usage,
    customFields: customFieldsOf(c.kind, c.settings),
    settings,
    deletedAt: c.deletedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
