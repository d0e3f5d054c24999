import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { CAN } from '../auth/roles';
import { Company, toCompany } from '../companies/company.type';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import type { JunctionContext } from '../context';
import { preloadContactRelations, selectedUnder } from '../loaders-preload';
import { ContactFilter } from './contact.input';
import { Contact, ContactConnection, toContact } from './contact.type';
import { FieldProvenance, toFieldProvenance } from './field-provenance.type';
import { SourceLink, toSourceLink } from './source-link.type';

/**
 * What the hot field resolvers read of their root. Typed as a mapped type (not the class) on
 * purpose: type-graphql copies a class-typed @Root() into a new instance on every call.
 */
type ContactRoot = Pick<Contact, 'id' | 'companyId' | 'preloaded'>;

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized(CAN.readRecords)
  @Query(() => ContactConnection, { description: 'Unified contacts in creation order; merged duplicates are never listed.' })
  async contacts(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ContactFilter, { nullable: true }) filter: ContactFilter | null | undefined,
    @Ctx() ctx: JunctionContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ContactConnection> {
    const queries = ctx.services.queries.contacts;
    const where = filter ?? {};
    const result = await queries.page(page, where);
    const connection = toRelayConnection(result, toContact, () => queries.count(where));
    const node = selectedUnder(info, ['edges', 'node']);
    if (node.has('company') || node.has('sources')) {
      // The count (when asked for) runs alongside the page's relations rather than after them.
      if (selectedUnder(info, []).has('totalCount')) void Promise.resolve(connection.totalCount).catch(() => undefined);
      const sources = selectedUnder(info, ['edges', 'node', 'sources']);
      await preloadContactRelations(
        ctx.loaders,
        connection.edges.map((e) => e.node),
        { company: node.has('company'), sources: node.has('sources'), sourceConnection: sources.has('connection') },
      );
    }
    return connection;
  }

  @Authorized(CAN.readRecords)
  @Query(() => Contact, { nullable: true, description: 'One contact by id, also when merged (see mergedInto); null when unknown.' })
  async contact(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Contact | null> {
    const found = await ctx.loaders.contactById.load(id);
    return found ? toContact(found) : null;
  }

  // company and sources answer synchronously when the page preloaded them (loaders-preload).
  @FieldResolver(() => Company, { nullable: true })
  company(@Root() contact: ContactRoot, @Ctx() ctx: JunctionContext): Company | null | Promise<Company | null> {
    if (contact.preloaded?.company !== undefined) return contact.preloaded.company;
    if (!contact.companyId) return null;
    return ctx.loaders.companyById.load(contact.companyId).then((company) => (company ? toCompany(company) : null));
  }

  @FieldResolver(() => [SourceLink], { description: 'The CRM records this contact is linked to.' })
  sources(@Root() contact: ContactRoot, @Ctx() ctx: JunctionContext): SourceLink[] | Promise<SourceLink[]> {
    return contact.preloaded?.sources ?? ctx.loaders.sourcesByRecordId.load(contact.id).then((links) => links.map(toSourceLink));
  }

  @FieldResolver(() => [FieldProvenance], { description: 'Which connection set each field, and when.' })
  async fieldProvenance(@Root() contact: Contact, @Ctx() ctx: JunctionContext): Promise<FieldProvenance[]> {
    return (await ctx.loaders.provenanceByRecordId.load(contact.id)).map(toFieldProvenance);
  }

  @FieldResolver(() => [ID], { description: 'Ids of the contacts merged into this one.' })
  async mergedFrom(@Root() contact: Contact, @Ctx() ctx: JunctionContext): Promise<string[]> {
    return ctx.loaders.mergedFromByMasterId.load(contact.id);
  }
}
