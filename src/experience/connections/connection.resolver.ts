import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { CustomFieldConfigError } from '../../process/mapping/custom-fields';
import { supportedCrmKinds } from '../../process/queries';
import { CAN } from '../auth/roles';
import { BadUserInputError, NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';
import { CreateConnectionInput } from './connection.input';
import { Connection, toConnection } from './connection.type';
import { ConnectionCustomFields, CustomFieldInput } from './custom-field.types';

@Resolver(() => Connection)
export class ConnectionResolver {
  @Authorized(CAN.read)
  @Query(() => [Connection], { description: 'Every configured connection, oldest first.' })
  async connections(@Ctx() ctx: JunctionContext): Promise<Connection[]> {
    return (await ctx.services.queries.connections.list()).map(toConnection);
  }

  @Authorized(CAN.administer)
  @Mutation(() => Connection)
  async createConnection(@Arg('input', () => CreateConnectionInput) input: CreateConnectionInput, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const name = input.name.trim();
    if (!name) throw new BadUserInputError('name must not be empty', 'name');
    if (!isHttpUrl(input.baseUrl)) throw new BadUserInputError('baseUrl must be an http(s) URL', 'baseUrl');
    if (!supportedCrmKinds().includes(input.kind)) throw new BadUserInputError(`no adapter is available for ${input.kind} yet`, 'kind');
    // The host allow-list (JUNCTION_CRM_HOSTS_*; loopback only for the emulators): no credentials for internal addresses.
    const baseUrlProblem = ctx.services.connections.checkBaseUrl(input.kind, input.baseUrl.trim());
    if (baseUrlProblem) throw new BadUserInputError(baseUrlProblem, 'baseUrl');
    if (!input.credentials.clientId || !input.credentials.clientSecret)
      throw new BadUserInputError('credentials need a clientId and a clientSecret', 'credentials');
    const created = await ctx.services.connections.create({
      name,
      kind: input.kind,
      baseUrl: input.baseUrl.trim(),
      apiVersion: input.apiVersion ?? undefined,
      credentials: {
        clientId: input.credentials.clientId,
        clientSecret: input.credentials.clientSecret,
        ...(input.credentials.refreshToken ? { refreshToken: input.credentials.refreshToken } : {}),
        ...(input.credentials.tenantId ? { tenantId: input.credentials.tenantId } : {}),
      },
    });
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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
