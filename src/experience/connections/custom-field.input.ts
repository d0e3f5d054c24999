import { Field, InputType } from 'type-graphql';
import { syncedObjects } from '../common/crm-docs';

@InputType({
  description:
    'One vendor custom field a connection syncs. With `key` it is mapped: read into and written from the unified `custom.<key>` (other connections map their own field to the same key). Without `key` it is carried read-only under `custom.<crm>.<remote>` (e.g. `salesforce.Outreach_Last_Sequence_Step__c`).',
})
export class CustomFieldInput {
  @Field({
    description: `The vendor object as Junction syncs it: ${syncedObjects()}.`,
  })
  object!: string;
  @Field({ description: 'The vendor API field name (`Employee_Badge__c`, `employee_badge`, `new_badge`).' }) remote!: string;
  @Field(() => String, { nullable: true, description: 'Unified key (letters, digits, underscores): makes the field mapped, synced both ways.' }) key?:
    string | null;
  @Field(() => Boolean, { nullable: true, description: 'Mapped fields only: true reads the vendor field but never writes it.' }) readOnly?: boolean | null;
}
