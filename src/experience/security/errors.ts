/** Typed errors of the security layer (STYLE.md §6: literal `extensions.code`). */
import { GraphQLError } from 'graphql';

/** The address presented too many bad keys: answered before any key look-up (HTTP 429). */
export class TooManyRequestsError extends GraphQLError {
  declare readonly extensions: { code: 'TOO_MANY_REQUESTS'; retryAfterSeconds: number };
  constructor(retryAfterSeconds: number) {
    super(`Too many failed authentications from this address: try again in ${retryAfterSeconds} s`, {
      extensions: {
        code: 'TOO_MANY_REQUESTS',
        retryAfterSeconds,
        // Apollo turns `http` into the status and headers, and removes it from the body.
        http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
      },
    });
  }
}

/** Which limit a rejected query broke; the message names it with its value. */
export type QueryLimitName = 'maxDepth' | 'maxCost' | 'maxAliases' | 'maxDirectives' | 'maxTokens' | 'maxPageSize' | 'maxRecords';

/** A query over one of the limits (limits.ts): refused before it runs. */
export class QueryLimitError extends GraphQLError {
  declare readonly extensions: { code: 'GRAPHQL_VALIDATION_FAILED' | 'BAD_USER_INPUT'; limit: QueryLimitName; field?: string };
  constructor(limit: QueryLimitName, message: string) {
    const code = limit === 'maxPageSize' ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED';
    super(message, { extensions: { code, limit, ...(limit === 'maxPageSize' ? { field: 'first' } : {}), http: { status: 400 } } });
  }
}

/** graphql-ws: a socket asked for more operations at once than `maxPerSocket` allows. */
export class SubscriptionLimitError extends GraphQLError {
  declare readonly extensions: { code: 'TOO_MANY_SUBSCRIPTIONS'; limit: number };
  constructor(limit: number) {
    super(`This socket has ${limit} operations open already, the limit: complete one, or open another socket`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit } });
  }
}
