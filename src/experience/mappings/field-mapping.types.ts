/** Field mappings as versioned data, and the data dictionary, as the API shows them (issue 17 items 3, 4). */
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { DictionaryEntry, FieldMappingEntry, FieldTransform, MappingDirection, RecordKind, StoredMappingVersion } from '../../process';
import { FieldTransformEnum, MappingDirectionEnum, RecordKindEnum } from '../common/enums';
import { RelayConnectionType } from '../common/relay';
import { JSONScalar } from '../common/scalars';

@ObjectType({ description: 'One unified field mapped to one CRM field.', simpleResolvers: true })
export class FieldMapping {
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field({ description: 'The unified field (`custom.<key>` for a custom one).' }) field!: string;
  @Field({ description: 'The CRM object (Contact, contacts, accounts, …).' }) remoteObject!: string;
  @Field({ description: 'The CRM field’s API name.' }) remoteField!: string;
  @Field(() => MappingDirectionEnum) direction!: MappingDirection;
  @Field(() => FieldTransformEnum, { nullable: true }) transform!: FieldTransform | null;
  @Field(() => JSONScalar, { nullable: true, description: 'CRM value → unified value, for picklists; read backwards on writes.' }) valueMap!: Record<string, string> | null;
}

@InputType({ description: 'A mapping entry to set: it replaces the entry for its CRM object and unified field, or adds one.' })
export class FieldMappingInput {
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field() field!: string;
  @Field() remoteObject!: string;
  @Field() remoteField!: string;
  @Field(() => MappingDirectionEnum) direction!: MappingDirection;
  @Field(() => FieldTransformEnum, { nullable: true }) transform?: FieldTransform | null;
  @Field(() => JSONScalar, { nullable: true }) valueMap?: unknown;
}

@ObjectType({ description: 'A connection’s current field mapping.', simpleResolvers: true })
export class FieldMappings {
  @Field(() => ID) connectionId!: string;
  @Field(() => Int, { description: 'Version 1 is the code’s own mapping; every change or rollback is the next.' }) version!: number;
  @Field(() => [FieldMapping]) entries!: FieldMapping[];
}

@ObjectType({ description: 'The dry test batch a mapping version was tried with: the CRM’s first 10 records through the real inbound pipeline, nothing kept.', simpleResolvers: true })
export class MappingTestBatch {
  @Field({ description: 'SUCCEEDED: the sync’s test-batch gate would let a full run start with this mapping; FAILED: it would not, or the CRM refused the read.' }) status!: string;
  @Field(() => Int) recordsRead!: number;
  @Field(() => Int) recordsQuarantined!: number;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ description: 'One version of a connection’s field mapping, with who made it and how its test batch went.', simpleResolvers: true })
export class MappingVersion {
  @Field(() => Int) version!: number;
  @Field(() => Date) createdAt!: Date;
  @Field({ description: 'The name of the API key that made it (`junction` for version 1).' }) author!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => JSONScalar, { description: 'What changed from the version before: [{ remoteObject, field, before, after }].' }) diff!: unknown;
  @Field(() => [FieldMapping]) entries!: FieldMapping[];
  @Field(() => MappingTestBatch, { nullable: true, description: 'Null for version 1 (the code’s own mapping, tried by the sync’s own test batches).' }) testBatch!: MappingTestBatch | null;
}

@ObjectType()
export class MappingVersionConnection extends RelayConnectionType('MappingVersion', MappingVersion) {}

@ObjectType({ description: 'How one connection maps a unified field.' })
export class DictionaryMapping {
  connectionId!: string;
  @Field() remoteObject!: string;
  @Field() remoteField!: string;
  @Field(() => MappingDirectionEnum) direction!: MappingDirection;
  @Field(() => FieldTransformEnum, { nullable: true }) transform!: FieldTransform | null;
  @Field(() => JSONScalar, { nullable: true }) valueMap!: Record<string, string> | null;
}

@ObjectType({ description: 'A unified field: its type, meaning, rules, and how each connection maps it (from the live mappings).', simpleResolvers: true })
export class DictionaryField {
  @Field(() => RecordKindEnum) recordKind!: RecordKind;
  @Field() field!: string;
  @Field({ description: 'What the stored text holds: TEXT, EMAIL, PHONE, URL, DOMAIN, COUNTRY_CODE, STATE_CODE, POSTAL_CODE or ENUM.' }) type!: string;
  @Field() description!: string;
  @Field(() => [String], { description: 'The enabled validation rules on the field.' }) validation!: string[];
  @Field({ description: 'Who wins a conflict on the field.' }) ownerRule!: string;
  @Field(() => [DictionaryMapping]) mappings!: DictionaryMapping[];
}

export const toFieldMapping = (e: FieldMappingEntry): FieldMapping => ({ ...e });

export function toMappingVersion(v: StoredMappingVersion): MappingVersion {
  return { version: v.version, createdAt: v.createdAt, author: v.author, note: v.note, diff: v.diff, entries: v.entries.map(toFieldMapping), testBatch: v.testBatch };
}

export function toDictionaryField(d: DictionaryEntry): DictionaryField {
  return { ...d, mappings: d.mappings.map((m) => ({ connectionId: m.connectionId, remoteObject: m.remoteObject, remoteField: m.remoteField, direction: m.direction, transform: m.transform, valueMap: m.valueMap })) };
}
