/**
 * Runs queries a client sends again and again through graphql-jit's compiled plans instead of
 * graphql-js's interpreter. A Contacts page of 100 is ~2,900 fields; interpreted, graphql-js
 * spends most of the request's CPU walking them (BENCHMARKS.md, scenario 3).
 *
 * Apollo Server 5 has no executor option; its gateway interface is the supported way to hand
 * it one. Apollo still parses, validates (with the armor rules), runs every plugin and formats
 * errors; only execution is ours. Plans are made for queries only (mutations run one resolver
 * each and gain nothing), after a document has been seen COMPILE_AFTER times (a one-off or
 * hostile document costs no compilation), and at most MAX_PLANS are kept (least recently used
 * go first). A document graphql-jit cannot compile runs interpreted.
 */
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { defaultFieldResolver, execute, GraphQLError, isObjectType, printSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

export interface CompiledQueryOptions {
  /** Executions of a document before it is compiled. */
  compileAfter?: number;
  /** Compiled plans kept. */
  maxPlans?: number;
}

const COMPILE_AFTER = 2;
const MAX_PLANS = 500;

interface Entry {
  seen: number;
  /** null: graphql-jit could not compile it; it stays interpreted. */
  plan?: CompiledQuery | null;
}

/** Properties answered by a getter that may return a promise (Relay connections' lazy COUNT). */
const LAZY_PROPERTIES = new Set(['totalCount']);

/**
 * graphql-jit reads a field without a resolver as a plain property and does not await it;
 * graphql-js does. The lazy properties get graphql's own default resolver, which both await.
 */
function resolveLazyProperties(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) if (LAZY_PROPERTIES.has(field.name) && !field.resolve) field.resolve = defaultFieldResolver;
  }
}

/**
 * graphql-jit's errors leave `extensions` undefined when the cause had none, where graphql-js
 * always sets an object; Apollo reads `extensions.code` and would fail the whole response.
 * Rebuilt as graphql-js errors with the same message, locations, path and cause.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  if (error.locations) Object.assign(rebuilt, { locations: error.locations });
  return rebuilt;
}

export class CompiledQueries {
  private readonly entries = new Map<string, Entry>();
  private readonly compileAfter: number;
  private readonly maxPlans: number;
  /** Executions that ran a compiled plan (for tests and metrics). */
  compiledRuns = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    options: CompiledQueryOptions = {},
  ) {
    this.compileAfter = options.compileAfter ?? COMPILE_AFTER;
    this.maxPlans = options.maxPlans ?? MAX_PLANS;
    resolveLazyProperties(schema);
  }

  get size(): number {
    return this.entries.size;
  }

  readonly execute: GatewayExecutor = async (rc) => {
    const variables = rc.request.variables ?? {};
    const plan = rc.operation.operation === 'query' ? this.planFor(rc) : undefined;
    if (plan) {
      const result = (await plan.query(undefined, rc.context, variables)) as ExecutionResult<Record<string, unknown>>;
      // No `data` at all: the variables failed to coerce and no resolver ran. graphql-js answers
      // instead, with the errors Apollo recognizes as BAD_USER_INPUT.
      if ('data' in result) {
        this.compiledRuns++;
        return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
      }
    }
    return (await execute({
      schema: this.schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: variables,
      operationName: rc.operationName ?? undefined,
    })) as ExecutionResult<Record<string, unknown>>;
  };

  private planFor(rc: GatewayGraphQLRequestContext): CompiledQuery | undefined {
    const key = `${rc.queryHash}:${rc.operationName ?? ''}`;
    const entry = this.entries.get(key) ?? { seen: 0 };
    // Re-inserted on every use, so the Map's first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxPlans) this.entries.delete(this.entries.keys().next().value!);
    entry.seen++;
    if (entry.plan === undefined && entry.seen > this.compileAfter) {
      try {
        const compiled = compileQuery(this.schema, rc.document, rc.operationName ?? undefined);
        entry.plan = isCompiledQuery(compiled) ? compiled : null;
      } catch {
        entry.plan = null;
      }
    }
    return entry.plan ?? undefined;
  }

  /** For `new ApolloServer({ gateway })`: the schema, and this executor. */
  gateway(): GatewayInterface {
    const schema = this.schema;
    return {
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => undefined;
      },
      load: async () => ({ executor: this.execute }),
      stop: async () => undefined,
    };
  }
}
