/**
 * A read-only glance at the quarantine queue for the dashboard and monitoring clients; the
 * Quarantine contract operation, with retry and discard, is the full API.
 */
import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { pendingQuarantine } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError } from '../common/errors';
import { DateTimeScalar, JSONScalar } from '../common/scalars';
import type { JunctionContext } from '../context';

@ObjectType({ description: 'A pending quarantined record, as the monitoring views list it.' })
export class PendingQuarantineItem {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) connectionId!: string | null;
  @Field() recordKind!: string;
  @Field(() => String, { nullable: true }) remoteId!: string | null;
  @Field(() => JSONScalar, { description: 'Every failing rule: [{ field, rule, message }].' }) issues!: unknown;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@Resolver()
export class QuarantinePreviewResolver {
  @Authorized(CAN.read)
  @Query(() => [PendingQuarantineItem], { description: 'The newest pending quarantined records (at most 200).' })
  async pendingQuarantine(@Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number, @Ctx() ctx: JunctionContext): Promise<PendingQuarantineItem[]> {
    if (first < 1 || first > 200) throw new BadUserInputError('first must be between 1 and 200', 'first');
    return pendingQuarantine(ctx.services.monitoring.db, first);
  }
}
