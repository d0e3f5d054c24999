import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { CAN } from '../auth/roles';
import { PageArgs } from '../common/page.args';
import { toRelayConnection } from '../common/relay';
import { ContactConnection, toContact } from '../contacts/contact.type';
import { SourceLink, toSourceLink } from '../contacts/source-link.type';
import type { JunctionContext } from '../context';
import { Company, CompanyConnection, toCompany } from './company.type';

@Resolver(() => Company)
export class CompanyResolver {
  @Authorized(CAN.readRecords)
  @Query(() => CompanyConnection, { description: 'Unified companies in creation order.' })
  async companies(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: JunctionContext): Promise<CompanyConnection> {
    const queries = ctx.services.queries.companies;
    return toRelayConnection(await queries.page(page), toCompany, () => queries.count());
  }

  @FieldResolver(() => ContactConnection, { description: "The company's contacts (not merged, not deleted), in creation order." })
  async contacts(@Root() company: Company, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: JunctionContext): Promise<ContactConnection> {
    const { loaders, services } = ctx;
    // First pages of every company in the list share one statement; later pages are one each.
    const result = page.after
      ? await services.queries.contacts.page(page, { companyId: company.id })
      : await loaders.contactsOfCompany.load({ companyId: company.id, first: page.first });
    return toRelayConnection(result, toContact, () => loaders.contactCountByCompany.load(company.id));
  }

  @FieldResolver(() => [SourceLink])
  async sources(@Root() company: Company, @Ctx() ctx: JunctionContext): Promise<SourceLink[]> {
    return (await ctx.loaders.sourcesByRecordId.load(company.id)).map(toSourceLink);
  }
}
