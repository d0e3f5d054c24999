/**
 * The operation a request runs, found as graphql-js finds it (by name, or the only one), with
 * the document's fragments and the root type it starts from: what the checks that read a
 * whole request (page budget, field weights, argument values) walk from.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

export interface SelectedOperation {
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  root: GraphQLObjectType | undefined;
}

export function selectedOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): SelectedOperation | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return undefined;
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return { operation, fragments, root: root ?? undefined };
}
