/** A connection's operator settings as the API reads and changes them (stored in `connections.settings`). */
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { type CrmKind, type DeletePropagation, effectiveRateLimit, settingsOf } from '../../process';
import { DeletePropagationEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';

@ObjectType({ description: "The CRM's rate limit for this connection: calls within 10-minute windows are spaced to stay within it; longer windows (Salesforce's daily allocation) are a budget." })
export class RateLimit {
  @Field(() => Int) requests!: number;
  @Field(() => Int) windowMs!: number;
  @Field({ description: "True: the vendor's documented default (no operator setting); set settings.rateLimit for the org's real plan." }) vendorDefault!: boolean;
  @Field({ description: 'Where the figure comes from.' }) basis!: string;
}

@ObjectType({ description: 'When full runs may start, in local time: heavy syncs move off-peak while incremental runs and change notifications keep flowing.', simpleResolvers: true })
export class SyncWindow {
  @Field({ description: 'Opens at this local time, HH:MM.' }) start!: string;
  @Field({ description: 'Closes at this local time, HH:MM; before start: the window spans midnight.' }) end!: string;
  @Field({ description: 'IANA time zone of start and end (Europe/Berlin).' }) timeZone!: string;
}

@ObjectType({ description: "A connection's sync schedule.", simpleResolvers: true })
export class SyncSchedule {
  @Field(() => Int, { nullable: true, description: "Seconds between incremental runs. Null: the instance's JUNCTION_SYNC_INTERVAL_MS." }) intervalSeconds!: number | null;
  @Field(() => SyncWindow, { nullable: true, description: 'Null: full (BULK) runs may start at any time.' }) window!: SyncWindow | null;
}

@ObjectType({ description: "A connection's operator settings; null means Junction's default.", simpleResolvers: true })
export class ConnectionSettings {
  @Field(() => SyncSchedule) schedule!: SyncSchedule;
  @Field({ description: 'Whether connecting creates what the CRM lacks (Junction’s fields, keys, field permissions) through its metadata API without asking first. Default: on for the emulators (a loopback URL), off for real orgs.' }) autoProvision!: boolean;
  @Field(() => RateLimit, { nullable: true, description: "The limit calls keep to: the operator's, else the vendor's documented default (never null since the defaults; nullable for older clients)." }) rateLimit!: RateLimit | null;
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

@InputType()
export class SyncWindowInput {
  @Field({ description: 'HH:MM, local time.' }) start!: string;
  @Field({ description: 'HH:MM, local time; before start spans midnight.' }) end!: string;
  @Field({ description: 'An IANA time zone.' }) timeZone!: string;
}

@InputType({ description: 'A schedule, set as a whole.' })
export class SyncScheduleInput {
  @Field(() => Int, { nullable: true, description: '10 to 604,800 (a week); null: the instance default.' }) intervalSeconds?: number | null;
  @Field(() => SyncWindowInput, { nullable: true, description: 'Null: full runs at any time.' }) window?: SyncWindowInput | null;
}

@InputType({ description: 'Settings to change; a field left out stays as it is, a field sent as null goes back to the default.' })
export class ConnectionSettingsInput {
  @Field(() => SyncScheduleInput, { nullable: true }) schedule?: SyncScheduleInput | null;
  @Field(() => Boolean, { nullable: true }) autoProvision?: boolean | null;
  @Field(() => RateLimitInput, { nullable: true }) rateLimit?: RateLimitInput | null;
  @Field(() => DeletePropagationEnum, { nullable: true }) deletePropagation?: DeletePropagation | null;
  @Field(() => Int, { nullable: true, description: '0 to 1,000,000.' }) bulkIngestThreshold?: number | null;
  @Field(() => Int, { nullable: true, description: '0 to 86,400,000.' }) schemaCheckIntervalMs?: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) credentialsExpireAt?: Date | null;
}

export const toConnectionSettings = (kind: CrmKind, settings: Record<string, unknown> | null | undefined, baseUrl?: string): ConnectionSettings => ({
  ...settingsOf(settings, baseUrl),
  rateLimit: effectiveRateLimit(kind, settings),
});
