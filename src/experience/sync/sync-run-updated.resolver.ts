import { Arg, Authorized, ID, Resolver, Root, Subscription, type SubscriptionHandlerData } from 'type-graphql';
import { TOPICS } from '../../process';
import { CAN } from '../auth/roles';
import { SyncRun, toSyncRun, type SyncRunPayload } from './sync-run.type';

interface SyncRunUpdatedArgs {
  connectionId?: string | null;
}

@Resolver()
export class SyncRunUpdatedResolver {
  @Authorized(CAN.read)
  @Subscription(() => SyncRun, {
    topics: TOPICS.SYNC_RUN_UPDATED,
    filter: ({ payload, args }: SubscriptionHandlerData<SyncRunPayload, SyncRunUpdatedArgs>) =>
      !args.connectionId || payload.connectionId === args.connectionId,
    description: 'Every state or progress change of a sync run; of one connection when given.',
  })
  syncRunUpdated(
    @Root() payload: SyncRunPayload,
    @Arg('connectionId', () => ID, { nullable: true }) _connectionId: string | null | undefined,
  ): SyncRun {
    return toSyncRun(payload);
  }
}
