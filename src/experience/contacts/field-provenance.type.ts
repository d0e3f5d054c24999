import { Field, ObjectType } from 'type-graphql';
import type { FieldProvenanceEntity } from '../../process/store/entities';
import { DateTimeScalar, JSONScalar } from '../common/scalars';

@ObjectType({ description: 'Where the current value of one field came from.' })
export class FieldProvenance {
  @Field() field!: string;
  @Field(() => JSONScalar, { nullable: true }) value!: unknown;
  @Field(() => DateTimeScalar) changedAt!: Date;
  /** Resolved to `connection` (null when set by a person or a partner write). */
  connectionId!: string | null;
}

export const toFieldProvenance = (p: FieldProvenanceEntity): FieldProvenance => ({
  field: p.field,
  value: p.value,
  changedAt: p.changedAt,
  connectionId: p.connectionId,
});
