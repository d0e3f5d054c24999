import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { MAX_BATCH } from '../../process';
import { BadUserInputError, ConflictError, UnauthenticatedError } from '../common/errors';
import { Contact, toContact } from '../contacts/contact.type';
import type { JunctionContext } from '../context';
import { ContactInput, UpsertContactResult, UpsertContactsPayload } from './quality.types';

@Resolver(() => UpsertContactResult)
export class UpsertContactsResolver {
  @Authorized('PARTNER', 'OPERATOR')
  @Mutation(() => UpsertContactsPayload, {
    description: `Partner writes: up to ${MAX_BATCH} contacts, each normalized, validated and matched on its own. The same idempotencyKey returns the first answer (replayed: true); with a different input it is an error.`,
  })
  async upsertContacts(@Arg('input', () => [ContactInput]) input: ContactInput[], @Arg('idempotencyKey') idempotencyKey: string, @Ctx() ctx: JunctionContext): Promise<UpsertContactsPayload> {
    if (!ctx.principal) throw new UnauthenticatedError();
    const result = await ctx.services.quality.partner.upsert(input.map((r) => ({ ...r })), idempotencyKey, ctx.principal.id);
    if (!result.ok) throw result.error === 'KEY_REUSED' ? new ConflictError(result.message) : new BadUserInputError(result.message, result.field);
    return { replayed: result.replayed, results: result.results.map((r) => ({ index: r.index, outcome: r.outcome, issues: r.issues, contactId: r.contactId, contact: null })) };
  }

  @FieldResolver(() => Contact, { nullable: true })
  async contact(@Root() result: UpsertContactResult, @Ctx() ctx: JunctionContext): Promise<Contact | null> {
    if (!result.contactId) return null;
    const c = await ctx.loaders.contactById.load(result.contactId);
    return c ? toContact(c) : null;
  }
}
