/** GraphQL types of the data-quality area: rules, quarantine, duplicates, partner upserts. */
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { type RecordKind, RULE_TYPES, type RuleType, type UpsertOutcome } from '../../process';
import { RecordKindEnum } from '../common/enums';
import { RelayConnectionType } from '../common/relay';
import { DateTimeScalar, JSONScalar } from '../common/scalars';
import { Contact } from '../contacts/contact.type';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const RuleTypeEnum = enumOf<RuleType>(RULE_TYPES);
export const QuarantineStatusEnum = enumOf(['PENDING', 'RESOLVED', 'DISCARDED'] as const);
export const UpsertOutcomeEnum = enumOf<UpsertOutcome>(['CREATED', 'UPDATED', 'MERGED', 'QUARANTINED', 'REJECTED']);
registerEnumType(RuleTypeEnum, { name: 'ValidationRuleType' });
registerEnumType(QuarantineStatusEnum, { name: 'QuarantineStatus' });
registerEnumType(UpsertOutcomeEnum, {
  name: 'UpsertOutcome',
  valuesConfig: {
    CREATED: { description: 'A new contact.' },
    UPDATED: { description: 'Matched an existing contact by email and updated it.' },
    MERGED: { description: 'Matched a contact known under another key (phone, LinkedIn URL) and merged into it.' },
    QUARANTINED: { description: 'Failed validation rules; waits in the quarantine queue.' },
    REJECTED: { description: 'Not a record Junction can hold (wrong types, oversized values, unknown picklist value).' },
  },
});

@ObjectType({ description: 'A problem with one record.' })
export class RecordIssue {
  @Field() field!: string;
  @Field({ description: 'The rule type that failed (REQUIRED, FORMAT, …) or DATA_FORMAT.' }) rule!: string;
  @Field() message!: string;
}

@ObjectType({ description: 'A validation rule: data, editable at run time.' })
export class ValidationRule {
  @Field(() => ID) id!: string;
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field() field!: string;
  @Field(() => RuleTypeEnum) rule!: RuleType;
  @Field(() => JSONScalar) params!: Record<string, unknown>;
  @Field() enabled!: boolean;
}

@InputType()
export class ValidationRuleInput {
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field({ description: 'Unified field name, e.g. "email".' }) field!: string;
  @Field(() => RuleTypeEnum) rule!: RuleType;
  @Field(() => JSONScalar, { nullable: true, description: 'Rule parameters, e.g. { "format": "email" }.' }) params?: Record<string, unknown> | null;
  @Field(() => Boolean, { nullable: true, defaultValue: true }) enabled?: boolean | null;
}

@ObjectType({ description: 'A record waiting in quarantine, with every issue.' })
export class QuarantineEntry {
  @Field(() => ID) id!: string;
  @Field(() => QuarantineStatusEnum) status!: 'PENDING' | 'RESOLVED' | 'DISCARDED';
  @Field(() => String, { nullable: true }) remoteId!: string | null;
  @Field(() => String, { nullable: true }) remoteType!: string | null;
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field(() => JSONScalar) payload!: Record<string, unknown>;
  @Field(() => [RecordIssue]) issues!: RecordIssue[];
  @Field(() => String, { nullable: true, description: 'Why it was discarded or resolved.' }) reason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The contact or company it became, once resolved.' }) recordId!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
  /** Resolved to `connection` (null for partner writes). */
  connectionId!: string | null;
}

@ObjectType()
export class QuarantineConnection extends RelayConnectionType('QuarantineEntry', QuarantineEntry) {}

@ObjectType({ description: 'A change to a quarantine entry: created, updated, resolved or discarded.' })
export class QuarantineChange {
  @Field(() => ID) id!: string;
  @Field(() => QuarantineStatusEnum) status!: 'PENDING' | 'RESOLVED' | 'DISCARDED';
  @Field(() => String, { nullable: true }) remoteId!: string | null;
  @Field(() => [RecordIssue]) issues!: RecordIssue[];
}

@ObjectType({ description: 'Two contacts that may be one person (a fuzzy match): only proposed, never merged automatically.' })
export class DuplicateCandidate {
  @Field(() => ID) id!: string;
  @Field(() => Float, { description: '0…1.' }) score!: number;
  @Field(() => [String]) matchedOn!: string[];
  contactIds!: [string, string];
}

@ObjectType()
export class DuplicateCandidateConnection extends RelayConnectionType('DuplicateCandidate', DuplicateCandidate) {}

@ObjectType()
export class DuplicateScanResult {
  @Field(() => Int, { description: 'Contacts merged into a master because they share an exact key.' }) merged!: number;
  @Field(() => Int, { description: 'New fuzzy duplicate candidates proposed.' }) candidates!: number;
}

@InputType({ description: 'A contact from a partner system, in unified field names.' })
export class ContactInput {
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => String, { nullable: true }) linkedinUrl?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) state?: string | null;
  @Field(() => String, { nullable: true }) country?: string | null;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
  @Field(() => String, { nullable: true, description: 'LEAD or CONTACT.' }) lifecycleStage?: string | null;
  @Field(() => String, { nullable: true, description: 'The company, by name.' }) companyName?: string | null;
}

@ObjectType()
export class UpsertContactResult {
  @Field(() => Int, { description: 'Position in the input.' }) index!: number;
  @Field(() => UpsertOutcomeEnum) outcome!: UpsertOutcome;
  @Field(() => Contact, { nullable: true }) contact!: Contact | null;
  @Field(() => [RecordIssue]) issues!: RecordIssue[];
  contactId!: string | null;
}

@ObjectType()
export class UpsertContactsPayload {
  @Field({ description: 'True when this answer is the stored first answer for the idempotency key.' }) replayed!: boolean;
  @Field(() => [UpsertContactResult]) results!: UpsertContactResult[];
}
