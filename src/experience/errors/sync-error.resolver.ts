import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { ErrorClass } from '../../process';
import { CAN } from '../auth/roles';
import { ErrorClassEnum } from '../common/enums';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { SyncError, SyncErrorConnection, toSyncError } from './sync-error.type';

@Resolver(() => SyncError)
export class SyncErrorResolver {
  @Authorized(CAN.read)
  @Query(() => SyncErrorConnection, { description: 'The error log, one row per cause, most recently seen first.' })
  async syncErrors(
    @Arg('errorClass', () => ErrorClassEnum, { nullable: true }) errorClass: ErrorClass | null | undefined,
    @Arg('connectionId', () => ID, { nullable: true }) connectionId: string | null | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: JunctionContext,
  ): Promise<SyncErrorConnection> {
    const filter = { errorClass: errorClass ?? null, connectionId: connectionId ?? null };
    const log = ctx.services.errorLog;
    return toRelayConnection(await log.page(page, filter), toSyncError, () => log.count(filter));
  }

  @FieldResolver(() => Connection, { nullable: true, description: 'Null for causes not tied to one connection.' })
  async connection(@Root() error: SyncError, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    if (!error.connectionId) return null;
    const connection = await ctx.loaders.connectionById.load(error.connectionId);
    return connection ? toConnection(connection) : null;
  }
}
