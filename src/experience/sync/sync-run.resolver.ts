import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid } from '../../process/queries/pagination';
import type { SyncMode } from '../../process/store/entities';
import { CAN } from '../auth/roles';
import { SyncModeEnum } from '../common/enums';
import { NotFoundError } from '../common/errors';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { SyncRun, SyncRunConnection, toSyncRun } from './sync-run.type';

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @Authorized(CAN.operate)
  @Mutation(() => SyncRun, {
    description: 'Queues a run. With a run already queued or running for the connection, returns that run instead.',
  })
  async triggerSync(
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('mode', () => SyncModeEnum) mode: SyncMode,
    @Arg('dryRun', () => Boolean, { nullable: true, defaultValue: false }) dryRun: boolean | null,
    @Ctx() ctx: JunctionContext,
  ): Promise<SyncRun> {
    const connection = isUuid(connectionId) ? await ctx.loaders.connectionById.load(connectionId) : null;
    // A deleted connection is only a tombstone: nothing syncs it again.
    if (!connection || connection.deletedAt) throw new NotFoundError('Connection', connectionId);
    const { run } = await ctx.services.syncRuns.trigger(connectionId, mode, dryRun ?? false);
    return toSyncRun(run);
  }

  @Authorized(CAN.read)
  @Query(() => SyncRun, { nullable: true })
  async syncRun(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<SyncRun | null> {
    const run = await ctx.services.queries.syncRuns.byId(id);
    return run ? toSyncRun(run) : null;
  }

  @Authorized(CAN.read)
  @Query(() => SyncRunConnection, { description: 'Sync runs, newest first; of one connection when given.' })
  async syncRuns(
    @Arg('connectionId', () => ID, { nullable: true }) connectionId: string | null | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: JunctionContext,
  ): Promise<SyncRunConnection> {
    const queries = ctx.services.queries.syncRuns;
    const filter = { connectionId: connectionId ?? null };
    return toRelayConnection(await queries.page(page, filter), toSyncRun, () => queries.count(filter));
  }

  @FieldResolver(() => Connection)
  async connection(@Root() run: SyncRun, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const connection = await ctx.loaders.connectionById.load(run.connectionId);
    // sync_runs.connection_id is a NOT NULL foreign key with ON DELETE CASCADE.
    if (!connection) throw new Error(`sync run ${run.id} points at missing connection ${run.connectionId}`);
    return toConnection(connection);
  }
}
