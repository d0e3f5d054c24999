/** A connection's operator settings as the API reads and changes them (stored in `connections.settings`). */
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { type DeletePropagation, settingsOf } from '../../process';
import { DeletePropagationEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

@ObjectType({ description: "The CRM's rate limit for this connection: calls are spaced to stay within it." })
export class RateLimit {
  @Field(() => Int) requests!: number;
  @Field(() => Int) windowMs!: number;
}

@ObjectType({ description: "A connection's operator settings; null means Junction's default.", simpleResolvers: true })
export class ConnectionSettings {
  @Field(() => RateLimit, { nullable: true, description: "Null: the CRM's documented limits only." }) rateLimit!: RateLimit | null;
  @Field(() => DeletePropagationEnum, { nullable: true, description: 'Null: FLAG.' }) deletePropagation!: DeletePropagation | null;
  @Field(() => Int, { nullable: true, description: "Null: the CRM's own threshold (Salesforce Bulk API 2.0 above 2,000 records; others never)." })
  bulkIngestThreshold!: number | null;
  @Field(() => Int, { nullable: true, description: "How long a CRM's field list is trusted before writes. Null: 300,000 (5 minutes)." }) schemaCheckIntervalMs!: number | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the credentials themselves expire (a secret or key with a rotation date): the TOKEN_EXPIRING alerts watch it.' })
  credentialsExpireAt!: Date | null;
}

@InputType()
export class RateLimitInput {
  @Field(() => Int, { description: '1 to 1,000,000.' }) requests!: number;
  @Field(() => Int, { description: '1 to 86,400,000 (a day).' }) windowMs!: number;
}

@InputType({ description: 'Settings to change; a field left out stays as it is, a field sent as null goes back to the default.' })
export class ConnectionSettingsInput {
  @Field(() => RateLimitInput, { nullable: true }) rateLimit?: RateLimitInput | null;
  @Field(() => DeletePropagationEnum, { nullable: true }) deletePropagation?: DeletePropagation | null;
  @Field(() => Int, { nullable: true, description: '0 to 1,000,000.' }) bulkIngestThreshold?: number | null;
  @Field(() => Int, { nullable: true, description: '0 to 86,400,000.' }) schemaCheckIntervalMs?: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) credentialsExpireAt?: Date | null;
}

export const toConnectionSettings = (settings: Record<string, unknown> | null | undefined): ConnectionSettings => settingsOf(settings);
