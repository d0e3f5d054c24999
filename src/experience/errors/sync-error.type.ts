import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ErrorClass, StoredSyncError } from '../../process';
import { ErrorClassEnum } from '../common/enums';
import { RelayConnectionType } from '../common/relay';
import { DateTimeScalar } from '../common/scalars';

@ObjectType({ description: 'One cause in the error log: a thousand records failing for one reason are one row.' })
export class SyncError {
  @Field(() => ID) id!: string;
  @Field(() => ErrorClassEnum) errorClass!: ErrorClass;
  @Field({ description: "The vendor's error code (or Junction's, e.g. CIRCUIT_OPEN, QUOTA_EXHAUSTED)." }) code!: string;
  @Field({ description: 'The latest message for this cause.' }) message!: string;
  @Field(() => String, { nullable: true, description: 'METHOD /path of the failing call, when it was a call.' }) endpoint!: string | null;
  @Field(() => [String], { description: 'Affected records (bounded).' }) recordIds!: string[];
  @Field(() => DateTimeScalar) firstSeenAt!: Date;
  @Field(() => DateTimeScalar) lastSeenAt!: Date;
  @Field(() => Int) occurrences!: number;
  @Field(() => Int, { description: 'Calls made for it in total, retries included.' }) attempts!: number;
  /** Resolved to `connection` by SyncErrorResolver through a loader. */
  connectionId!: string | null;
}

@ObjectType()
export class SyncErrorConnection extends RelayConnectionType('SyncError', SyncError) {}

export function toSyncError(e: StoredSyncError): SyncError {
  return {
    id: e.id,
    errorClass: e.errorClass as ErrorClass,
    code: e.code,
    message: e.message,
    endpoint: e.endpoint,
    recordIds: e.recordIds,
    firstSeenAt: e.firstSeenAt,
    lastSeenAt: e.lastSeenAt,
    occurrences: e.occurrences,
    attempts: e.attempts,
    connectionId: e.connectionId,
  };
}
