import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { ErrorClass } from '../../process';
import { CAN } from '../auth/roles';
import { ErrorClassEnum } from '../common/enums';
import { NotFoundError } from '../common/errors';
import type { JunctionContext } from '../context';

@ObjectType({ description: 'One live call to the CRM with the stored credentials.' })
export class ConnectionTestResult {
  @Field() ok!: boolean;
  @Field(() => Int) latencyMs!: number;
  @Field() apiVersion!: string;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => ErrorClassEnum, { nullable: true, description: 'Why it failed, when it did.' }) errorClass!: ErrorClass | null;
}

@Resolver()
export class ConnectionTestResolver {
  @Authorized(CAN.operate)
  @Mutation(() => ConnectionTestResult, { description: 'Calls the CRM now (token, then a cheap read) and reports what happened; never throws for a CRM failure. A pass proves a new connection (UNKNOWN → HEALTHY); refused credentials make it FAILING with a CREDENTIALS alert.' })
  async testConnection(@Arg('id', () => ID) id: string, @Ctx() ctx: JunctionContext): Promise<ConnectionTestResult> {
    const connection = await ctx.loaders.connectionById.load(id);
    if (!connection || connection.deletedAt) throw new NotFoundError('connection', id);
    const result = await ctx.services.connections.test(id);
    return { ok: result.ok, latencyMs: Math.round(result.latencyMs), apiVersion: result.apiVersion, message: result.message ?? null, errorClass: result.errorClass ?? null };
  }
}
