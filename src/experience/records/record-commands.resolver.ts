/**
 * Hand edits to unified records: verification, field ownership, soft delete and restore.
 * OPERATOR for record edits, ADMIN for ownership rules (they change every later sync).
 */
import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { CommandOutcome, RecordKind } from '../../process';
import { CAN } from '../auth/roles';
import { RecordKindEnum } from '../common/enums';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { Connection, toConnection } from '../connections/connection.type';
import { Contact, toContact } from '../contacts/contact.type';
import type { JunctionContext } from '../context';
import { FieldOwner } from './record-command.types';

function unwrap<T>(outcome: CommandOutcome<T>, id: string): T {
  if (outcome.ok) return outcome.value;
  const errors: Record<typeof outcome.reason, () => GraphQLError> = {
    NOT_FOUND: () => new NotFoundError('contact', id),
    INVALID_FIELD: () => new BadUserInputError(outcome.message, 'field'),
    GRACE_PERIOD_OVER: () => new ConflictError(outcome.message),
    NOT_DELETED: () => new ConflictError(outcome.message),
  };
  throw errors[outcome.reason]();
}

async function freshContact(ctx: JunctionContext, id: string): Promise<Contact> {
  ctx.loaders.contactById.clear(id);
  const found = await ctx.loaders.contactById.load(id);
  if (!found) throw new NotFoundError('contact', id);
  return toContact(found);
}

@Resolver(() => FieldOwner)
export class RecordCommandsResolver {
  @Authorized(CAN.operate)
  @Mutation(() => Contact, { description: 'Marks a field verified by a person: no automated sync overwrites it until unverified.' })
  async verifyField(@Arg('contactId', () => ID) contactId: string, @Arg('field') field: string, @Arg('verified') verified: boolean, @Ctx() ctx: JunctionContext): Promise<Contact> {
    unwrap(await ctx.services.records.verifyField(contactId, field, verified), contactId);
    return freshContact(ctx, contactId);
  }

  @Authorized(CAN.operate)
  @Mutation(() => Contact, { description: 'Soft delete: sets deletedAt; restorable for 30 days, then purged from the store.' })
  async deleteContact(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Contact> {
    unwrap(await ctx.services.records.deleteContact(id), id);
    return freshContact(ctx, id);
  }

  @Authorized(CAN.operate)
  @Mutation(() => Contact, { description: 'Undoes a soft delete within the 30-day grace period.' })
  async restoreContact(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Contact> {
    unwrap(await ctx.services.records.restoreContact(id), id);
    return freshContact(ctx, id);
  }

  @Authorized(CAN.administer)
  @Mutation(() => FieldOwner, { description: 'Makes one connection authoritative for a field; a null owner restores "latest change wins".' })
  async setFieldOwner(
    @Arg('kind', () => RecordKindEnum) kind: RecordKind,
    @Arg('field') field: string,
    @Arg('ownerConnectionId', () => ID, { nullable: true }) ownerConnectionId: string | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<FieldOwner> {
    const outcome = await ctx.services.records.setFieldOwner(kind, field, ownerConnectionId ?? null);
    if (!outcome.ok && outcome.reason === 'NOT_FOUND') throw new NotFoundError('connection', ownerConnectionId ?? '');
    return unwrap(outcome, field);
  }

  @FieldResolver(() => Connection, { nullable: true, description: 'The authoritative connection; null when the latest change wins.' })
  async owner(@Root() rule: FieldOwner, @Ctx() ctx: JunctionContext): Promise<Connection | null> {
    if (!rule.ownerConnectionId) return null;
    const found = await ctx.loaders.connectionById.load(rule.ownerConnectionId);
    return found ? toConnection(found) : null;
  }
}
