import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { SourceLink } from './source-link.type';

@Resolver(() => SourceLink)
export class SourceLinkResolver {
  @FieldResolver(() => Connection)
  async connection(@Root() link: SourceLink, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const connection = await ctx.loaders.connectionById.load(link.connectionId);
    // source_links.connection_id is a NOT NULL foreign key with ON DELETE CASCADE.
    if (!connection) throw new Error(`source link ${link.id} points at missing connection ${link.connectionId}`);
    return toConnection(connection);
  }
}
