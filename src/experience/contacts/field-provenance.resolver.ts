import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { FieldProvenance, RejectedChange } from './field-provenance.type';

@Resolver(() => FieldProvenance)
export class FieldProvenanceResolver {
  @FieldResolver(() => Connection, { nullable: true, description: 'The connection that set the value; null when set through the API.' })
  async connection(@Root() p: FieldProvenance, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    if (!p.connectionId) return null;
    const connection = await ctx.loaders.connectionById.load(p.connectionId);
    return connection ? toConnection(connection) : null;
  }
}

@Resolver(() => RejectedChange)
export class RejectedChangeResolver {
  @FieldResolver(() => Connection, { nullable: true, description: 'The connection whose change was refused.' })
  async connection(@Root() r: RejectedChange, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    const connection = await ctx.loaders.connectionById.load(r.connectionId);
    return connection ? toConnection(connection) : null;
  }
}
