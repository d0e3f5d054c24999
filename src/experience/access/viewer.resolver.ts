import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { UnauthenticatedError } from '../common/errors';
import type { JunctionContext } from '../context';
import { Viewer } from './viewer.type';

@Resolver()
export class ViewerResolver {
  @Authorized()
  @Query(() => Viewer, { description: 'Who the presented API key is: lets a client adapt to its role.' })
  viewer(@Ctx() ctx: JunctionContext): Viewer {
    if (!ctx.principal) throw new UnauthenticatedError(); // the auth checker already guarantees it
    return { apiKeyId: ctx.principal.id, role: ctx.principal.role };
  }
}
