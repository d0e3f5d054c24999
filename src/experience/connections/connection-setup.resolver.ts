/**
 * A connection's setup in its CRM (issue 16 item 4): `connectionSetup` checks live what Junction
 * needs there; `provisionConnection` creates what is missing and fixable through the CRM's own
 * metadata API, then answers the check again.
 */
import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { CAN } from '../auth/roles';
import { NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';

@ObjectType({ description: 'One thing the connection needs in its CRM: an API permission, rights on an object, one of Junction’s fields, its field-level security, an alternate key.' })
export class SetupCheck {
  @Field({ description: 'What is checked, e.g. `Contact.Junction_Id__c` or `contact alternate key on junction_id`.' }) name!: string;
  @Field() ok!: boolean;
  @Field({ description: 'What was found, and when it is not right what a person (or provisionConnection) should do.' }) message!: string;
  @Field({ description: 'Whether provisionConnection can create or fix it through the CRM’s metadata API.' }) fixable!: boolean;
}

@ObjectType({ description: 'The live setup check of a connection.' })
export class ConnectionSetup {
  @Field({ description: 'Every check passed: a sync can run.' }) ready!: boolean;
  @Field(() => [SetupCheck]) checks!: SetupCheck[];
}

@Resolver()
export class ConnectionSetupResolver {
  @Authorized(CAN.read)
  @Query(() => ConnectionSetup, { description: 'Checks live, in the CRM, what the connection needs before it can sync (API access, read/write on each mapped object, Junction’s external-ID and flag fields, their field-level security, the Dataverse alternate key and its index, the HubSpot unique property).' })
  async connectionSetup(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<ConnectionSetup> {
    const report = await ctx.services.connections.setup(id);
    if (!report) throw new NotFoundError('connection', id);
    return report;
  }

  @Authorized(CAN.administer)
  @Mutation(() => ConnectionSetup, { description: 'Creates what connectionSetup found missing and fixable, through the CRM’s own metadata API (Salesforce Tooling API and a Junction permission set, HubSpot Properties API, Dataverse column and alternate-key metadata, waiting for the key’s index), then checks again.' })
  async provisionConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<ConnectionSetup> {
    const report = await ctx.services.connections.provision(id);
    if (!report) throw new NotFoundError('connection', id);
    return report;
  }
}
