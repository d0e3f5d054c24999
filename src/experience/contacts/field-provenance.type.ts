import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { RejectedChange as RejectedChangeRow, StoredFieldProvenance } from '../../process';
import { DateTimeScalar, JSONScalar } from '../common/scalars';

export enum RejectionReason {
  VERIFIED = 'VERIFIED',
  OWNED_ELSEWHERE = 'OWNED_ELSEWHERE',
  OLDER = 'OLDER',
}
registerEnumType(RejectionReason, {
  name: 'RejectionReason',
  description: 'Why a sync did not apply a change: the field is verified by a person, another connection owns it, or a later change from another connection set it.',
});

@ObjectType({ description: 'A change a sync read from a CRM and refused; the latest one per connection is kept.' })
export class RejectedChange {
  @Field(() => JSONScalar, { nullable: true }) value!: unknown;
  @Field(() => RejectionReason) reason!: RejectionReason;
  @Field(() => DateTimeScalar, { description: "When the CRM says the change was made (UTC)." }) changedAt!: Date;
  /** Resolved to `connection`. */
  connectionId!: string;
}

@ObjectType({ description: 'Where the current value of one field came from.' })
export class FieldProvenance {
  @Field() field!: string;
  @Field(() => JSONScalar, { nullable: true }) value!: unknown;
  @Field(() => DateTimeScalar) changedAt!: Date;
  /** Resolved to `connection` (null when set by a person or a partner write). */
  connectionId!: string | null;
  @Field(() => [RejectedChange], { description: 'Changes to this field a sync refused (verified, owned elsewhere, or older than the value it has), so none is silently lost.' })
  rejected!: RejectedChange[];
}

export const toFieldProvenance = (p: StoredFieldProvenance): FieldProvenance => ({
  field: p.field,
  value: p.value,
  changedAt: p.changedAt,
  connectionId: p.connectionId,
  rejected: (p.rejected ?? []).map((r: RejectedChangeRow) => ({ ...r, reason: r.reason as RejectionReason })),
});
