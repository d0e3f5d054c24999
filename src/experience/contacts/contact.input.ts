import { Field, ID, InputType } from 'type-graphql';
import { type LifecycleStage, MAX_SEARCH_LENGTH } from '../../process';
import { LifecycleStageEnum } from '../common/enums';

@InputType({ description: 'Every given condition must hold.' })
export class ContactFilter {
  @Field(() => String, { nullable: true, description: `Case-insensitive part of the email or name; % and _ match themselves. At most ${MAX_SEARCH_LENGTH} characters (trimmed).` })
  search?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact email (compared lower-cased).' }) email?: string | null;
  @Field(() => LifecycleStageEnum, { nullable: true }) lifecycleStage?: LifecycleStage | null;
  @Field(() => ID, { nullable: true }) companyId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Only contacts with a record in this connection.' }) connectionId?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Include soft-deleted contacts.' }) includeDeleted?: boolean | null;
}
