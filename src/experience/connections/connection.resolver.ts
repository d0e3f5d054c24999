import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { CustomFieldConfigError, supportedCrmKinds } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError, NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';
import { asClientErrors } from './connection-errors';
import { CreateConnectionInput } from './connection.input';
import { Connection, toConnection } from './connection.type';
import { ConnectionCustomFields } from './connection-custom-fields.type';
import { CustomFieldInput } from './custom-field.input';

@Resolver(() => Connection)
export class ConnectionResolver {
  @Authorized(CAN.read)
  @Query(() => [Connection], { description: 'Every configured connection, oldest first (deleted ones are left out).' })
  async connections(@Ctx() ctx: JunctionContext): Promise<Connection[]> {
    return (await ctx.services.queries.connections.list()).map(toConnection);
  }

  @Authorized(CAN.read)
  @Query(() => Connection, { nullable: true, description: 'One connection; a deleted one too (deletedAt set), since records still name it as their source.' })
  async connection(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    const found = await ctx.loaders.connectionById.load(id);
    return found ? toConnection(found) : null;
  }

  @Authorized(CAN.administer)
  @Mutation(() => Connection, { description: 'Creates a connection (UNKNOWN until a test or a run proves it). A name in use is a CONFLICT.' })
  async createConnection(@Arg('input', () => CreateConnectionInput) input: CreateConnectionInput, @Ctx() ctx: JunctionContext): Promise<Connection> {
    if (!supportedCrmKinds().includes(input.kind)) throw new BadUserInputError(`no adapter is available for ${input.kind} yet`, 'kind');
    const created = await asClientErrors(() =>
      ctx.services.connections.create({ name: input.name, kind: input.kind, baseUrl: input.baseUrl, apiVersion: input.apiVersion ?? undefined, credentials: input.credentials }),
    );
    return toConnection(created);
  }

  @Authorized(CAN.administer)
  @Mutation(() => ConnectionCustomFields, {
    description: "Replaces a connection's custom-field mappings (an empty list removes them). The changed mapping makes the next full run pass a test batch first.",
  })
  async setCustomFields(
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('fields', () => [CustomFieldInput]) fields: CustomFieldInput[],
    @Ctx() ctx: JunctionContext,
  ): Promise<ConnectionCustomFields> {
    const set = ctx.services.connections.setCustomFields;
    if (!set) throw new Error('custom fields cannot be set in this deployment');
    const config = fields.map((f) => ({
      object: f.object,
      remote: f.remote,
      ...(f.key ? { key: f.key } : {}),
      ...(f.key && f.readOnly ? { direction: 'in' as const } : {}),
    }));
    let updated;
    try {
      updated = await set.call(ctx.services.connections, connectionId, config);
    } catch (err) {
      if (err instanceof CustomFieldConfigError) throw new BadUserInputError(err.message, 'fields');
      throw err;
    }
    if (!updated) throw new NotFoundError('Connection', connectionId);
    const connection = toConnection(updated);
    return { connection, fields: connection.customFields };
  }
}
