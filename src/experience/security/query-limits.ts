/**
 * Query limits (SPEC §4: depth, cost, aliases and batch size are limited): GraphQL Armor
 * for depth, static cost, aliases, directives and tokens; the page budget (page-budget.ts)
 * for page sizes and rows through nested connections. The same rules guard HTTP (Apollo
 * plugins and validation rules) and graphql-ws (`guardWsOperation`), so a socket is no
 * way around them. Every rejection names the limit and its value.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type ValidationRule } from 'graphql';
import { checkPageBudget, DEFAULT_PAGE_BUDGET, pageSizeRule } from './page-budget';
import { QueryLimitError } from './errors';
import { checkFieldWeights } from './field-weights';
import { checkInputs, DEFAULT_INPUT_LIMITS, InputError, type InputLimits } from './input-guard';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Largest `first:` on any connection. */
  maxPageSize: number;
  /** Rows a query may ask for through nested pages (product of `first:` values). */
  maxRecords: number;
  /** Argument values: string lengths, JSON shape, NUL characters, ids (input-guard.ts). */
  input: InputLimits;
}

/** Roomy for every contract operation (the deepest, Companies, is 7 levels), tight for abuse. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 10_000,
  maxPageSize: DEFAULT_PAGE_BUDGET.maxPageSize,
  maxRecords: DEFAULT_PAGE_BUDGET.maxRecords,
  input: DEFAULT_INPUT_LIMITS,
};

export interface QueryGuards {
  /** For `new ApolloServer({...})`: armor's plugins plus the page budget, and its validation rules. */
  apollo: { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[]; allowBatchedHttpRequests: false; parseOptions: { maxTokens: number } };
  /** graphql-ws `onSubscribe`: the same parse, validation and budget; errors instead of args when refused. */
  guardWsOperation(payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }): ExecutionArgs | GraphQLError[];
}

export function createQueryGuards(schema: GraphQLSchema, limits: QueryLimits, options: { introspection: boolean }): QueryGuards {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, exposeLimits: true, ignoreIntrospection: true },
    costLimit: { maxCost: limits.maxCost, exposeLimits: true },
    maxAliases: { n: limits.maxAliases, exposeLimits: true },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    // Tokens are counted by graphql-js's own parser (parseOptions below): armor's token
    // plugin throws from a hook Apollo answers with HTTP 500.
    maxTokens: { enabled: false },
    // Suggestions ("Did you mean …?") would hand out the schema even with introspection off.
    blockFieldSuggestion: { enabled: !options.introspection },
  }).protect();
  const budget = { maxPageSize: limits.maxPageSize, maxRecords: limits.maxRecords };
  // What needs the variables' values: page sizes, weighted fields and the arguments themselves.
  const checkWithValues = (document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): void => {
    checkPageBudget(schema, document, operationName, variables, budget);
    checkFieldWeights(schema, document, operationName, variables, limits.maxCost);
    checkInputs(schema, document, operationName, variables, limits.input);
  };
  const pageBudgetPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          checkWithValues(document, operationName, request.variables);
        },
      };
    },
  };
  const validationRules = [pageSizeRule(limits.maxPageSize), ...armor.validationRules];
  const wsRules = [...specifiedRules, ...validationRules, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];

  return {
    apollo: { plugins: [...armor.plugins, pageBudgetPlugin], validationRules, allowBatchedHttpRequests: false, parseOptions: { maxTokens: limits.maxTokens } },
    guardWsOperation(payload) {
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: limits.maxTokens });
      } catch (err) {
        if (err instanceof GraphQLError && /more tha[nt] \d+ tokens/i.test(err.message))
          return [new QueryLimitError('maxTokens', `Syntax Error: Document contains more than ${limits.maxTokens} tokens (the token limit). Parsing aborted.`)];
        return [err instanceof GraphQLError ? new GraphQLError(err.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }) : new GraphQLError('Could not parse the query')];
      }
      const errors = validate(schema, document, wsRules);
      if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      try {
        checkWithValues(document, payload.operationName, payload.variables);
      } catch (err) {
        if (err instanceof QueryLimitError || err instanceof InputError) return [err];
        throw err;
      }
      return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
    },
  };
}
