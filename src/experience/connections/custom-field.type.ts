import { Field, ObjectType } from 'type-graphql';
import { type CrmKind, CUSTOM_KEY_PREFIX, type CustomFieldSpec, unifiedKeyOf } from '../../process';

@ObjectType({ description: 'A custom field as a connection maps it.', simpleResolvers: true })
export class CustomField {
  @Field() object!: string;
  @Field() remote!: string;
  @Field(() => String, { nullable: true }) key!: string | null;
  @Field({ description: "Where the value lives in a record's `custom`: `badge`, or `salesforce.Outreach_Last_Sequence_Step__c`." }) customKey!: string;
  @Field() readOnly!: boolean;
}

/** A connection's stored custom-field settings (validated when they were set) as the API shows them. */
export function customFieldsOf(kind: CrmKind, settings: Record<string, unknown> | null | undefined): CustomField[] {
  const specs = Array.isArray(settings?.customFields) ? (settings.customFields as CustomFieldSpec[]) : [];
  return specs.map((f) => ({
    object: f.object,
    remote: f.remote,
    key: f.key ?? null,
    customKey: unifiedKeyOf(kind, f).slice(CUSTOM_KEY_PREFIX.length),
    readOnly: f.key === undefined || f.direction === 'in',
  }));
}
