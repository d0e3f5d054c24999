import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { SourceLink } from './source-link.type';

@Resolver(() => SourceLink)
export class SourceLinkResolver {
  @FieldResolver(() => Connection)
  // A mapped type, not the class: type-graphql copies a class-typed @Root() on every call.
  connection(@Root() link: Pick<SourceLink, 'id' | 'connectionId' | 'preloadedConnection'>, @Ctx() ctx: JunctionContext): Connection | Promise<Connection> {
    // Synchronous when the page preloaded it: no promise per source link.
    return link.preloadedConnection ?? this.load(link, ctx);
  }

  private async load(link: Pick<SourceLink, 'id' | 'connectionId'>, ctx: JunctionContext): Promise<Connection> {
    const connection = await ctx.loaders.connectionById.load(link.connectionId);
    // source_links.connection_id is a NOT NULL foreign key with ON DELETE CASCADE.
    if (!connection) throw new Error(`source link ${link.id} points at missing connection ${link.connectionId}`);
    return toConnection(connection);
  }
}
