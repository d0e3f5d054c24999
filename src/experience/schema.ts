/** The GraphQL schema, built from the type-graphql classes (SPEC §1: schema from code). */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { ViewerResolver } from './access/viewer.resolver';
import { authChecker } from './auth/auth-checker';
import { CompanyResolver } from './companies/company.resolver';
import { DateTimeScalar } from './common/scalars';
import { ConnectionResolver } from './connections/connection.resolver';
import { ContactResolver } from './contacts/contact.resolver';
import { FieldProvenanceResolver } from './contacts/field-provenance.resolver';
import { SourceLinkResolver } from './contacts/source-link.resolver';
import type { JunctionPubSub } from './pubsub';
import { SyncRunUpdatedResolver } from './sync/sync-run-updated.resolver';
import { SyncRunResolver } from './sync/sync-run.resolver';

export function buildJunctionSchema(pubSub: JunctionPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      ConnectionResolver,
      ContactResolver,
      SourceLinkResolver,
      FieldProvenanceResolver,
      CompanyResolver,
      SyncRunResolver,
      SyncRunUpdatedResolver,
      ViewerResolver,
    ],
    authChecker,
    // yoga's pub/sub is typed per topic; type-graphql takes any routing key.
    pubSub: pubSub as unknown as PubSub,
    // Inputs are checked in resolvers, where the error can name the field (BadUserInputError).
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  });
}
