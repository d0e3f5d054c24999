import { Field, ObjectType } from 'type-graphql';
import { Connection } from './connection.type';
import { CustomField } from './custom-field.type';

/** What setCustomFields answers: the connection with its custom fields as now mapped. */
@ObjectType()
export class ConnectionCustomFields {
  @Field(() => Connection) connection!: Connection;
  @Field(() => [CustomField]) fields!: CustomField[];
}
