/** The GraphQL schema, built from the type-graphql classes (SPEC §1: schema from code). */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { ApiKeyResolver } from './access/api-key.resolver';
import { ViewerResolver } from './access/viewer.resolver';
import { authChecker } from './auth/auth-checker';
import { applyFieldRules } from './auth/field-rules';
import { CompanyResolver } from './companies/company.resolver';
import { refreshCrmKindEnum } from './common/enums';
import { DateTimeScalar } from './common/scalars';
import { ConnectionTestResolver } from './connections/connection-test.resolver';
import { ConnectionLifecycleResolver } from './connections/connection-lifecycle.resolver';
import { ConnectionResolver } from './connections/connection.resolver';
import { StartConnectResolver } from './connections/start-connect.resolver';
import { ContactResolver } from './contacts/contact.resolver';
import { SyncErrorResolver } from './errors/sync-error.resolver';
import { FieldProvenanceResolver, RejectedChangeResolver } from './contacts/field-provenance.resolver';
import { SourceLinkResolver } from './contacts/source-link.resolver';
import { AlertConnectionResolver, ConnectionHealthResolver, CredentialExpiryConnectionResolver, DiscrepancyConnectionResolver } from './monitoring/connection-field.resolver';
import { MonitoringSubscriptionResolver } from './monitoring/monitoring-subscriptions.resolver';
import { MonitoringResolver } from './monitoring/monitoring.resolver';
import { AlertRulesResolver } from './monitoring/alert-rules.resolver';
import { AuditResolver } from './monitoring/audit.resolver';
import { QuarantinePreviewResolver } from './monitoring/quarantine-preview.resolver';
import type { JunctionPubSub } from './pubsub';
import { DuplicatesResolver } from './quality/duplicates.resolver';
import { QuarantineChangedResolver, QuarantineResolver } from './quality/quarantine.resolver';
import { UpsertContactsResolver } from './quality/upsert-contacts.resolver';
import { ValidationRulesResolver } from './quality/validation-rules.resolver';
import { RecordCommandsResolver } from './records/record-commands.resolver';
import { ConnectionSetupResolver } from './connections/connection-setup.resolver';
import { SyncRunUpdatedResolver } from './sync/sync-run-updated.resolver';
import { SyncRunResolver } from './sync/sync-run.resolver';
import { DictionaryMappingResolver, FieldMappingResolver } from './mappings/field-mapping.resolver';

export async function buildJunctionSchema(pubSub: JunctionPubSub): Promise<GraphQLSchema> {
  refreshCrmKindEnum();
  const schema = await buildSchema({
    resolvers: [
      ConnectionResolver,
      ConnectionLifecycleResolver,
      ConnectionTestResolver,
      StartConnectResolver,
      ConnectionSetupResolver,
      RecordCommandsResolver,
      ContactResolver,
      SourceLinkResolver,
      FieldProvenanceResolver,
      RejectedChangeResolver,
      CompanyResolver,
      SyncRunResolver,
      SyncRunUpdatedResolver,
      ViewerResolver,
      ValidationRulesResolver,
      QuarantineResolver,
      QuarantineChangedResolver,
      DuplicatesResolver,
      UpsertContactsResolver,
      ApiKeyResolver,
      MonitoringResolver,
      AlertRulesResolver,
      MonitoringSubscriptionResolver,
      ConnectionHealthResolver,
      AlertConnectionResolver,
      QuarantinePreviewResolver,
      AuditResolver,
      DiscrepancyConnectionResolver,
      CredentialExpiryConnectionResolver,
      SyncErrorResolver,
      FieldMappingResolver,
      DictionaryMappingResolver,
    ],
    authChecker,
    // yoga's pub/sub is typed per topic; type-graphql takes any routing key.
    pubSub: pubSub as unknown as PubSub,
    // Inputs are checked in resolvers, where the error can name the field (BadUserInputError).
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  });
  // Field-level rules type-graphql's decorators cannot express (auth/field-rules.ts).
  return applyFieldRules(schema);
}
