import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RecordKind } from '../../process';
import { CAN } from '../auth/roles';
import { RecordKindEnum } from '../common/enums';
import { BadUserInputError } from '../common/errors';
import type { JunctionContext } from '../context';
import { toValidationRule } from './mappers';
import { ValidationRule, ValidationRuleInput } from './quality.types';

@Resolver(() => ValidationRule)
export class ValidationRulesResolver {
  // Reading the rules explains a quarantine to anyone who can see it; changing them is ADMIN's.
  @Authorized(CAN.read)
  @Query(() => [ValidationRule], { description: 'The validation rules for a record kind (enabled or not).' })
  async validationRules(@Arg('kind', () => RecordKindEnum) kind: RecordKind, @Ctx() ctx: JunctionContext): Promise<ValidationRule[]> {
    return (await ctx.services.quality.rules.list(kind)).map(toValidationRule);
  }

  @Authorized(CAN.administer)
  @Mutation(() => ValidationRule, { description: 'Adds a rule, or changes the one with the same kind, field and rule type. Applies from the next page synced.' })
  async upsertValidationRule(@Arg('input', () => ValidationRuleInput) input: ValidationRuleInput, @Ctx() ctx: JunctionContext): Promise<ValidationRule> {
    const result = await ctx.services.quality.rules.upsert({ recordKind: input.recordKind, field: input.field, rule: input.rule, params: input.params ?? {}, enabled: input.enabled ?? true });
    if (!result.ok) throw new BadUserInputError(result.message, result.field);
    return toValidationRule(result.rule);
  }

  @Authorized(CAN.administer)
  @Mutation(() => ValidationRule, { description: 'Turns a rule on or off.' })
  async setValidationRuleEnabled(@Arg('id', () => ID) id: string, @Arg('enabled') enabled: boolean, @Ctx() ctx: JunctionContext): Promise<ValidationRule> {
    const result = await ctx.services.quality.rules.setEnabled(id, enabled);
    if (!result.ok) throw new BadUserInputError(result.message, result.field);
    return toValidationRule(result.rule);
  }
}
