/**
 * Managing a connection after it exists: change it (new credentials bring a FAILING one back),
 * pause and resume it, delete it. Reading one is ConnectionResolver's.
 */
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { isUuid, type UpdateConnectionInput as UpdateCommand } from '../../process';
import { CAN } from '../auth/roles';
import { NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';
import { asClientErrors } from './connection-errors';
import { UpdateConnectionInput } from './connection.input';
import { Connection, toConnection } from './connection.type';

/** A command's answer: the connection, or NOT_FOUND for an id that names no live one. */
async function answer(id: string, command: () => Promise<Parameters<typeof toConnection>[0] | null>): Promise<Connection> {
  const done = isUuid(id) ? await asClientErrors(command) : null;
  if (!done) throw new NotFoundError('Connection', id);
  return toConnection(done);
}

@Resolver(() => Connection)
export class ConnectionLifecycleResolver {
  @Authorized(CAN.administer)
  @Mutation(() => Connection, {
    description:
      'Changes a connection: name, baseUrl, apiVersion, credentials, settings (each optional; a bad value is BAD_USER_INPUT naming its field, a taken name a CONFLICT). New credentials are tried at once, so a connection whose credentials were refused comes back without a restart.',
  })
  async updateConnection(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateConnectionInput) input: UpdateConnectionInput,
    @Ctx() ctx: JunctionContext,
  ): Promise<Connection> {
    const command: UpdateCommand = {
      ...(input.name != null ? { name: input.name } : {}),
      ...(input.baseUrl != null ? { baseUrl: input.baseUrl } : {}),
      ...(input.apiVersion != null ? { apiVersion: input.apiVersion } : {}),
      ...(input.credentials != null ? { credentials: input.credentials } : {}),
      ...(input.settings != null ? { settings: input.settings } : {}),
    };
    return answer(id, () => ctx.services.connections.update(id, command));
  }

  @Authorized(CAN.operate)
  @Mutation(() => Connection, { description: 'Pauses a connection until someone resumes it: nothing is scheduled for it; changes for it wait in its outbox.' })
  async pauseConnection(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true, description: 'Shown as the statusReason.' }) reason: string | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<Connection> {
    return answer(id, () => ctx.services.connections.pause(id, reason ?? null));
  }

  @Authorized(CAN.operate)
  @Mutation(() => Connection, { description: 'Ends a pause (a person’s, or a spent quota’s before its reset). A connection whose credentials stand refused stays FAILING.' })
  async resumeConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Connection> {
    return answer(id, () => ctx.services.connections.resume(id));
  }

  @Authorized(CAN.administer)
  @Mutation(() => Connection, {
    description:
      'Deletes a connection: syncing stops, its credentials are erased, its unified records and their provenance stay, its source links are marked detached. Nothing is deleted or archived in the CRM. CONFLICT while one of its runs is executing.',
  })
  async deleteConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Connection> {
    return answer(id, () => ctx.services.connections.delete(id));
  }
}
