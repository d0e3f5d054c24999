import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { CAN } from '../auth/roles';
import { Company, toCompany } from '../companies/company.type';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import type { JunctionContext } from '../context';
import { ContactFilter } from './contact.input';
import { Contact, ContactConnection, toContact } from './contact.type';
import { FieldProvenance, toFieldProvenance } from './field-provenance.type';
import { SourceLink, toSourceLink } from './source-link.type';

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized(CAN.readRecords)
  @Query(() => ContactConnection, { description: 'Unified contacts in creation order; merged duplicates are never listed.' })
  async contacts(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ContactFilter, { nullable: true }) filter: ContactFilter | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<ContactConnection> {
    const queries = ctx.services.queries.contacts;
    const where = filter ?? {};
    const result = await queries.page(page, where);
    return toRelayConnection(result, toContact, () => queries.count(where));
  }

  @Authorized(CAN.readRecords)
  @Query(() => Contact, { nullable: true, description: 'One contact by id, also when merged (see mergedInto); null when unknown.' })
  async contact(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<Contact | null> {
    const found = await ctx.loaders.contactById.load(id);
    return found ? toContact(found) : null;
  }

  @FieldResolver(() => Company, { nullable: true })
  async company(@Root() contact: Contact, @Ctx() ctx: JunctionContext): Promise<Company | null> {
    if (!contact.companyId) return null;
    const company = await ctx.loaders.companyById.load(contact.companyId);
    return company ? toCompany(company) : null;
  }

  @FieldResolver(() => [SourceLink], { description: 'The CRM records this contact is linked to.' })
  async sources(@Root() contact: Contact, @Ctx() ctx: JunctionContext): Promise<SourceLink[]> {
    return (await ctx.loaders.sourcesByRecordId.load(contact.id)).map(toSourceLink);
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
