import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError, NotFoundError } from '../common/errors';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import { Contact, toContact } from '../contacts/contact.type';
import type { JunctionContext } from '../context';
import { commandError, toDuplicateCandidate } from './mappers';
import { DuplicateCandidate, DuplicateCandidateConnection, DuplicateScanResult } from './quality.types';

const MAX_DUPLICATES = 50;

async function loadContact(ctx: JunctionContext, id: string): Promise<Contact> {
  const c = await ctx.loaders.contactById.load(id);
  if (!c) throw new NotFoundError('Contact', id);
  return toContact(c);
}

@Resolver(() => DuplicateCandidate)
export class DuplicatesResolver {
  @Authorized(CAN.read)
  @Query(() => DuplicateCandidateConnection, { description: 'Open fuzzy duplicate candidates, newest first.' })
  async duplicateCandidates(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: JunctionContext): Promise<DuplicateCandidateConnection> {
    const q = ctx.services.quality.candidates;
    return toRelayConnection(await q.page(page), toDuplicateCandidate, () => q.count());
  }

  @FieldResolver(() => [Contact])
  async contacts(@Root() candidate: DuplicateCandidate, @Ctx() ctx: JunctionContext): Promise<Contact[]> {
    const found = await Promise.all(candidate.contactIds.map((id) => ctx.loaders.contactById.load(id)));
    return found.filter((c) => c !== null).map(toContact);
  }

  @Authorized(CAN.operate)
  @Mutation(() => Contact, { description: 'Merges the duplicates into the master: links, missing field values with their provenance and related records move; undoable.' })
  async mergeContacts(@Arg('masterId', () => ID) masterId: string, @Arg('duplicateIds', () => [ID]) duplicateIds: string[], @Ctx() ctx: JunctionContext): Promise<Contact> {
    if (duplicateIds.length > MAX_DUPLICATES) throw new BadUserInputError(`at most ${MAX_DUPLICATES} duplicates per merge`, 'duplicateIds');
    const bad = [masterId, ...duplicateIds].find((id) => !isUuid(id));
    if (bad) throw new NotFoundError('Contact', bad);
    const result = await ctx.services.quality.merges.merge(masterId, duplicateIds);
    if (!result.ok) throw commandError(result.error, 'Contact', masterId, result.message);
    ctx.loaders.contactById.clear(masterId);
    return loadContact(ctx, masterId);
  }

  @Authorized(CAN.operate)
  @Mutation(() => Contact, { description: 'Undoes the latest merge this contact took part in, restoring records, links and provenance exactly. Returns the master.' })
  async undoMerge(@Arg('contactId', () => ID) contactId: string, @Ctx() ctx: JunctionContext): Promise<Contact> {
    if (!isUuid(contactId)) throw new NotFoundError('Contact', contactId);
    const result = await ctx.services.quality.merges.undo(contactId);
    if (!result.ok) throw commandError(result.error, 'Contact', contactId, result.message);
    ctx.loaders.contactById.clear(result.masterId);
    return loadContact(ctx, result.masterId);
  }

  @Authorized(CAN.operate)
  @Mutation(() => DuplicateScanResult, { description: 'Scans every contact: merges those sharing an exact key, proposes fuzzy candidates. For duplicates that entered before a rule existed.' })
  async scanDuplicates(@Ctx() ctx: JunctionContext): Promise<DuplicateScanResult> {
    return ctx.services.quality.scanDuplicates();
  }
}
