import { Field, ObjectType } from 'type-graphql';
import type { RecordKind } from '../../process';
import { RecordKindEnum } from '../common/enums';

@ObjectType({ description: 'One connection made authoritative for a field: the others never overwrite it.' })
export class FieldOwner {
  @Field(() => RecordKindEnum) kind!: RecordKind;
  @Field() field!: string;
  /** Resolved by FieldOwnerResolver; null means the latest change wins. */
  ownerConnectionId!: string | null;
}
