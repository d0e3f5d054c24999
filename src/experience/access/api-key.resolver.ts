import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { type Role, ROLES } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { RoleEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import type { JunctionContext } from '../context';
import type { ApiKeyAdmin } from './api-key-admin';
import { ApiKey, CreatedApiKey } from './api-key.type';

const MAX_NAME_LENGTH = 200;

@Resolver()
export class ApiKeyResolver {
  @Authorized(CAN.administer)
  @Query(() => [ApiKey], { description: 'Every API key, newest first, revoked and expired ones included: never the key, only its visible prefix.' })
  apiKeys(@Ctx() ctx: JunctionContext): Promise<ApiKey[]> {
    return adminOf(ctx).list();
  }

  @Authorized(CAN.administer)
  @Mutation(() => CreatedApiKey, { description: 'Issues a key; the plaintext `key` is in this answer only. With `expiresAt` it is refused from then on.' })
  async createApiKey(
    @Arg('name') name: string,
    @Arg('role', () => RoleEnum) role: Role,
    @Arg('expiresAt', () => DateTimeScalar, { nullable: true }) expiresAt: Date | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<CreatedApiKey> {
    const trimmed = name.trim();
    if (!trimmed) throw new BadUserInputError('name must not be empty', 'name');
    if (trimmed.length > MAX_NAME_LENGTH) throw new BadUserInputError(`name must be at most ${MAX_NAME_LENGTH} characters`, 'name');
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new BadUserInputError('name must not contain control characters', 'name');
    if (!ROLES.includes(role)) throw new BadUserInputError(`role must be one of ${ROLES.join(', ')}`, 'role');
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new BadUserInputError('expiresAt must be in the future', 'expiresAt');
    const created = await adminOf(ctx).create(trimmed, role, expiresAt ?? null);
    ctx.services.logger.info({ apiKeyId: created.apiKey.id, prefix: created.apiKey.prefix, role, expiresAt, by: ctx.principal?.id }, 'API key created');
    return created;
  }

  @Authorized(CAN.administer)
  @Mutation(() => ApiKey, { description: 'Revokes a key at once: its requests fail and its open sockets close. Revoking twice keeps the first time.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<ApiKey> {
    const revoked = await adminOf(ctx).revoke(id);
    if (!revoked) throw new NotFoundError('API key', id);
    ctx.services.logger.info({ apiKeyId: revoked.id, prefix: revoked.prefix, by: ctx.principal?.id }, 'API key revoked');
    return revoked;
  }
}

function adminOf(ctx: JunctionContext): ApiKeyAdmin {
  if (!ctx.services.apiKeyAdmin) throw new Error('API key administration is not configured on this server');
  return ctx.services.apiKeyAdmin;
}
