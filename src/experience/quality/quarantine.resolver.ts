import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type QuarantineChange as ChangePayload, isUuid, TOPICS } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import { JSONScalar } from '../common/scalars';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { commandError, toQuarantineEntry } from './mappers';
import { QuarantineChange, QuarantineConnection, QuarantineEntry } from './quality.types';

const MAX_REASON = 2000;

@Resolver(() => QuarantineEntry)
export class QuarantineResolver {
  @Authorized(CAN.read)
  @Query(() => QuarantineConnection, { description: 'The quarantine queue, newest first; of one connection when given.' })
  async quarantine(
    @Arg('connectionId', () => ID, { nullable: true }) connectionId: string | null | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: JunctionContext,
  ): Promise<QuarantineConnection> {
    const q = ctx.services.quality.quarantineQueries;
    const filter = { connectionId: connectionId ?? null };
    return toRelayConnection(await q.page(page, filter), toQuarantineEntry, () => q.count(filter));
  }

  @Authorized(CAN.operate)
  @Mutation(() => QuarantineEntry, {
    description: 'Sends the record (with `patch` applied: vendor or unified field names → values) through the whole pipeline again. RESOLVED when it lands; else still PENDING with the new issues.',
  })
  async retryQuarantined(@Arg('id', () => ID) id: string, @Arg('patch', () => JSONScalar, { nullable: true }) patch: Record<string, unknown> | null, @Ctx() ctx: JunctionContext): Promise<QuarantineEntry> {
    if (!isUuid(id)) throw new NotFoundError('Quarantine entry', id);
    const result = await ctx.services.quality.quarantine.retry(id, patch);
    if (!result.ok) throw commandError(result.error, 'Quarantine entry', id, result.message);
    return toQuarantineEntry(result.entry);
  }

  @Authorized(CAN.operate)
  @Mutation(() => QuarantineEntry, { description: 'Keeps the record out, with the reason; the same content read again stays discarded.' })
  async discardQuarantined(@Arg('id', () => ID) id: string, @Arg('reason') reason: string, @Ctx() ctx: JunctionContext): Promise<QuarantineEntry> {
    if (!reason.trim() || reason.length > MAX_REASON) throw new BadUserInputError(`reason must be 1…${MAX_REASON} characters`, 'reason');
    if (!isUuid(id)) throw new NotFoundError('Quarantine entry', id);
    const result = await ctx.services.quality.quarantine.discard(id, reason.trim());
    if (!result.ok) throw commandError(result.error, 'Quarantine entry', id, result.message);
    return toQuarantineEntry(result.entry);
  }

  @FieldResolver(() => Connection, { nullable: true, description: 'Where the record came from; null for partner writes.' })
  async connection(@Root() entry: QuarantineEntry, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    if (!entry.connectionId) return null;
    const c = await ctx.loaders.connectionById.load(entry.connectionId);
    return c ? toConnection(c) : null;
  }
}

@Resolver()
export class QuarantineChangedResolver {
  @Authorized(CAN.read)
  @Subscription(() => QuarantineChange, { topics: TOPICS.QUARANTINE_CHANGED, description: 'Every quarantine entry created, updated, resolved or discarded.' })
  quarantineChanged(@Root() payload: ChangePayload): QuarantineChange {
    return { id: payload.id, status: payload.status, remoteId: payload.remoteId ?? null, issues: payload.issues ?? [] };
  }
}
