/**
 * `startConnect`: the first half of connecting a CRM by consent (the second is GET
 * /oauth/callback, oauth-callback.routes.ts). ADMIN only, like createConnection; the consent is
 * bound to the calling key.
 */
import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { CrmKind } from '../../process';
import { CAN } from '../auth/roles';
import { tenantIdRule } from '../common/crm-docs';
import { CrmKindEnum } from '../common/enums';
import { DateTimeScalar } from '../common/scalars';
import type { JunctionContext } from '../context';
import { asClientErrors } from './connection-errors';

@InputType({ description: 'A CRM to connect by consent: its URL and the OAuth app Junction uses there. The client secret is sealed at rest and never returned.' })
export class StartConnectInput {
  @Field(() => CrmKindEnum) kind!: CrmKind;
  @Field({ description: 'The new connection’s name; unique among live connections.' }) name!: string;
  @Field({ description: 'Salesforce: the login URL (https://login.salesforce.com, test.salesforce.com or My Domain). HubSpot: https://api.hubapi.com. Dynamics: the org URL (https://{org}.crm.dynamics.com).' })
  baseUrl!: string;
  @Field() clientId!: string;
  @Field() clientSecret!: string;
  @Field(() => [String], { nullable: true, description: "Scopes asked for instead of the CRM's defaults (see docs/connect-*.md)." }) scopes?: string[] | null;
  @Field(() => String, { nullable: true, description: "Defaults to the CRM's current version." }) apiVersion?: string | null;
  @Field(() => String, { nullable: true, description: tenantIdRule() }) tenantId?: string | null;
  @Field(() => String, { nullable: true, description: 'Dynamics only: the Entra ID authority; default https://login.microsoftonline.com.' }) authorityUrl?: string | null;
}

@ObjectType({ description: 'Where to send the person to consent. The state is used once, and only until expiresAt.' })
export class StartedConnect {
  @Field({ description: "The CRM's consent page; it sends the person back to Junction's /oauth/callback." }) authorizeUrl!: string;
  @Field() state!: string;
  @Field(() => DateTimeScalar) expiresAt!: Date;
}

@Resolver()
export class StartConnectResolver {
  @Authorized(CAN.administer)
  @Mutation(() => StartedConnect, {
    description:
      "Starts connecting a CRM by OAuth consent (authorization code with PKCE): open authorizeUrl in the browser; after Allow, the CRM sends the person to /oauth/callback, which creates the connection and shows it in the dashboard. A bad input is BAD_USER_INPUT naming its field; a name in use is a CONFLICT.",
  })
  async startConnect(@Arg('input', () => StartConnectInput) input: StartConnectInput, @Ctx() ctx: JunctionContext): Promise<StartedConnect> {
    const consent = ctx.services.consent;
    if (!consent) throw new Error('connecting by consent is not available in this deployment');
    return asClientErrors(() => consent.start(input, ctx.principal!));
  }
}
