import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { changesOnly, etaSeconds, isUuid, plannedCounts, type SyncMode } from '../../process';
import { CAN } from '../auth/roles';
import { SyncModeEnum } from '../common/enums';
import { ConflictError, NotFoundError } from '../common/errors';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { PlannedChange, PlannedOperationCount, SyncRun, SyncRunConnection, SyncRunLogEntry, toSyncRun, toSyncRunLogEntry } from './sync-run.type';

const runKind = (mode: SyncMode, dryRun: boolean) => `${mode}${dryRun ? ', dry run' : ''}`;

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @Authorized(CAN.operate)
  @Mutation(() => SyncRun, {
    description:
      'Queues a run. A connection has one run queued or running at a time: when that run has the same mode and dry-run flag, it is returned instead; when it is another kind (another mode, or a dry run against a real one), nothing is queued and the answer is a CONFLICT error naming the active run — trigger again once it has finished.',
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
    const triggered = await ctx.services.syncRuns.trigger(connectionId, mode, dryRun ?? false);
    if (triggered.kind === 'CONFLICT') {
      const { active } = triggered;
      throw new ConflictError(
        `connection ${connectionId} already has run ${active.id} active (${runKind(active.mode, active.dryRun)}, ${active.status}); the requested run (${runKind(mode, dryRun ?? false)}) cannot start beside it — trigger it again once that run has finished`,
      );
    }
    return toSyncRun(triggered.run);
  }

  @Authorized(CAN.operate)
  @Mutation(() => SyncRun, {
    description:
      'Stops a run: a queued one ends CANCELLED at once; a running one (on whichever instance) stops at its next page boundary and ends CANCELLED, keeping every page it committed. It is not resumed on its own: the next run goes on from the committed checkpoints. Answers once the run stopped, or after 10 s with the run still RUNNING (it stops at its next page). A run that had ended already is a CONFLICT.',
  })
  async cancelSync(@Arg('runId', () => ID) runId: string, @Ctx() ctx: JunctionContext): Promise<SyncRun> {
    const outcome = isUuid(runId) ? await ctx.services.syncRuns.cancel(runId) : ({ kind: 'NOT_FOUND' } as const);
    if (outcome.kind === 'NOT_FOUND') throw new NotFoundError('SyncRun', runId);
    if (outcome.kind === 'ENDED') throw new ConflictError(`run ${runId} has ended already (${outcome.run.status}); there is nothing to cancel`);
    return toSyncRun(outcome.run);
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

  @FieldResolver(() => [PlannedChange], { nullable: true, description: 'Dry runs only: what the run would do, per record read.' })
  plannedChanges(
    @Root() run: SyncRun,
    @Arg('changesOnly', () => Boolean, { defaultValue: false, description: 'Leave out the records a real run would not change (operation NONE).' })
    onlyChanges: boolean,
  ): PlannedChange[] | null {
    if (!run.plan) return null;
    return onlyChanges ? changesOnly(run.plan) : run.plan;
  }

  @FieldResolver(() => [PlannedOperationCount], { nullable: true, description: 'Dry runs only: how many records each operation would touch, every operation listed.' })
  plannedSummary(@Root() run: SyncRun): PlannedOperationCount[] | null {
    return run.plan ? plannedCounts(run.plan) : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Seconds until a running run should finish, from its rate so far and recordsTotal; null when unknown or not running.' })
  etaSeconds(@Root() run: SyncRun): number | null {
    return etaSeconds(run);
  }

  @FieldResolver(() => [SyncRunLogEntry], { description: "The run's last 200 steps, oldest first: pages read and applied, retries, errors, a cancel, the end." })
  async log(@Root() run: SyncRun, @Ctx() ctx: JunctionContext): Promise<SyncRunLogEntry[]> {
    return (await ctx.services.queries.syncRuns.log(run.id)).map(toSyncRunLogEntry);
  }

  @FieldResolver(() => Connection)
  async connection(@Root() run: SyncRun, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const connection = await ctx.loaders.connectionById.load(run.connectionId);
    // sync_runs.connection_id is a NOT NULL foreign key with ON DELETE CASCADE.
    if (!connection) throw new Error(`sync run ${run.id} points at missing connection ${run.connectionId}`);
    return toConnection(connection);
  }
}
