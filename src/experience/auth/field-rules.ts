/**
 * Field-level authorization for object types that roles reach through different roots
 * (issue 14, finding 6). A PARTNER may read contacts, and a contact names the connections it
 * came from (`sources.connection`, `fieldProvenance.connection`, the same under companies and
 * in the `upsertContacts` result) — but a connection's base URL, status, token expiry, usage
 * and custom fields are operators' business. Root-field `@Authorized` cannot see that path.
 *
 * Default-deny: every field of a listed type needs the rule's roles unless the rule names it
 * open, so a field added to the type later is closed until someone opens it on purpose.
 * Applied to the built schema (so it also covers `simpleResolvers` types, where type-graphql
 * skips field-level `@Authorized`), and therefore alike over HTTP, graphql-ws and compiled
 * (graphql-jit) plans. A denied field answers FORBIDDEN at its own path; a non-null field's
 * null then propagates to its nearest nullable parent, as GraphQL's rules say.
 */
import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import type { Role } from '../../process';
import type { JunctionContext } from '../context';
import { requireRoles } from './auth-checker';
import { CAN } from './roles';

export interface FieldRule {
  /** Fields anyone who reached the type may read. */
  open: readonly string[];
  /** What every other field needs. */
  requires: readonly Role[];
}

export const FIELD_RULES: Readonly<Record<string, FieldRule>> = {
  // A PARTNER can tell the connections apart (id) and know which CRM (kind); nothing more.
  Connection: { open: ['id', 'kind'], requires: CAN.read },
};

/** Wraps the resolvers of every closed field in the rules; returns the same schema. */
export function applyFieldRules(schema: GraphQLSchema, rules: Readonly<Record<string, FieldRule>> = FIELD_RULES): GraphQLSchema {
  for (const [typeName, rule] of Object.entries(rules)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`A field rule names ${typeName}, which is not an object type of the schema`);
    const why = `${typeName} fields other than ${rule.open.join(' and ')} need one of the roles ${rule.requires.join(', ')} (or a higher one)`;
    for (const field of Object.values(type.getFields())) {
      if (rule.open.includes(field.name)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, context: JunctionContext, info) => {
        requireRoles(context, rule.requires, `${why}; your key is ${context.principal?.role ?? 'missing'}`);
        return resolve(root, args, context, info);
      };
    }
  }
  return schema;
}
