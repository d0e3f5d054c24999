/** The `connection` field of health rows and alerts, through the per-request loader. */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Connection, toConnection } from '../connections/connection.type';
import type { JunctionContext } from '../context';
import { Alert } from './alert.type';
import { ConnectionDiscrepancy, CredentialExpiry } from './audit.type';
import { ConnectionHealth } from './health.type';

async function load(ctx: JunctionContext, id: string | null): Promise<Connection | null> {
  const view = id ? await ctx.loaders.connectionById.load(id) : null;
  return view ? toConnection(view) : null;
}

@Resolver(() => ConnectionHealth)
export class ConnectionHealthResolver {
  // Root as a mapped type: type-graphql copies a class-typed @Root() on every call (per subscriber).
  @FieldResolver(() => Connection)
  connection(@Root() row: Pick<ConnectionHealth, 'connectionId' | 'preloadedConnection'>, @Ctx() ctx: JunctionContext): Connection | Promise<Connection> {
    return row.preloadedConnection ?? this.load(row.connectionId, ctx);
  }

  private async load(connectionId: string, ctx: JunctionContext): Promise<Connection> {
    const c = await load(ctx, connectionId);
    if (!c) throw new Error(`connection ${connectionId} vanished while health was read`);
    return c;
  }
}

@Resolver(() => Alert)
export class AlertConnectionResolver {
  @FieldResolver(() => Connection, { nullable: true })
  connection(@Root() row: Alert, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    return load(ctx, row.connectionId);
  }
}

@Resolver(() => ConnectionDiscrepancy)
export class DiscrepancyConnectionResolver {
  @FieldResolver(() => Connection)
  async connection(@Root() row: ConnectionDiscrepancy, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const c = await load(ctx, row.connectionId);
    if (!c) throw new Error(`connection ${row.connectionId} vanished during the audit`);
    return c;
  }
}

@Resolver(() => CredentialExpiry)
export class CredentialExpiryConnectionResolver {
  @FieldResolver(() => Connection)
  async connection(@Root() row: CredentialExpiry, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const c = await load(ctx, row.connectionId);
    if (!c) throw new Error(`connection ${row.connectionId} vanished during the audit`);
    return c;
  }
}
