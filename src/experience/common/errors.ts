/**
 * The experience tier's error convention (STYLE.md §6): errors a client can act on extend
 * GraphQLError with a literal `extensions.code`; everything else is masked as
 * INTERNAL_SERVER_ERROR with a correlation id that points to the log line — never a
 * message from inside, never a stack trace.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isStatementCancelled, QueryInputError } from '../../process';

export class BadUserInputError extends GraphQLError {
  declare readonly extensions: { code: 'BAD_USER_INPUT'; field?: string };
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
  }
}

export class NotFoundError extends GraphQLError {
  declare readonly extensions: { code: 'NOT_FOUND' };
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`, { extensions: { code: 'NOT_FOUND' } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  declare readonly extensions: { code: 'UNAUTHENTICATED'; http: { status: 401 } };
  constructor(message = 'Authentication required: send `Authorization: Bearer <api key>`') {
    // Apollo turns `extensions.http` into the response status and removes it from the body.
    super(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
}

export class ForbiddenError extends GraphQLError {
  declare readonly extensions: { code: 'FORBIDDEN' };
  constructor(message = 'Your API key’s role does not allow this') {
    super(message, { extensions: { code: 'FORBIDDEN' } });
  }
}

/** A feature this server was built without (a test server with no job queue, say): the client can't fix it, but it is no crash. */
export class UnavailableError extends GraphQLError {
  declare readonly extensions: { code: 'SERVICE_UNAVAILABLE' };
  constructor(message: string) {
    super(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  }
}

export class ConflictError extends GraphQLError {
  declare readonly extensions: { code: 'CONFLICT' };
  constructor(message: string) {
    super(message, { extensions: { code: 'CONFLICT' } });
  }
}

/** Apollo's own, the graphql-js ones it labels, and ours: safe to show as they are. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'INTROSPECTION_DISABLED',
]);

/** The error a resolver threw, behind graphql-js's located wrapper. */
function originalOf(error: unknown): unknown {
  if (error instanceof GraphQLError && error.originalError) return originalOf(error.originalError);
  return error;
}

/**
 * Shapes every error sent to a client, over HTTP (Apollo's formatError) and over
 * graphql-ws. Process-tier input errors become BAD_USER_INPUT; client errors pass;
 * anything else is logged with a correlation id and masked.
 */
export function formatClientError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = originalOf(error);
  const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  if (original instanceof QueryInputError) {
    return { message: original.message, ...where, extensions: { code: 'BAD_USER_INPUT', field: original.field } };
  }
  if (isStatementCancelled(original)) {
    // The caller's values stay out of the log: a timed-out search is the caller's text.
    const correlationId = randomUUID();
    logger.warn({ correlationId, path: formatted.path }, 'a statement was cancelled by the statement timeout');
    return {
      message: `The database took too long on this request and cancelled it (correlation id ${correlationId}): narrow it — a filter, a smaller page or a shorter window — and try again`,
      ...where,
      extensions: { code: 'QUERY_TIMEOUT', correlationId },
    };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, ...where, extensions };
  }
  const correlationId = randomUUID();
  logger.error({ err: withoutParameters(original), correlationId, path: formatted.path }, 'unexpected error while serving GraphQL');
  return { message: `Internal server error (correlation id ${correlationId})`, ...where, extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId } };
}

/**
 * A failed statement's error carries its parameters (TypeORM's QueryFailedError): the
 * caller's values — search terms, record fields, credentials. The log keeps the SQL and the
 * cause, not the values.
 */
function withoutParameters(err: unknown): unknown {
  if (!(err instanceof Error) || !('parameters' in err)) return err;
  const { parameters: _values, ...rest } = err as Error & Record<string, unknown>;
  return { ...rest, type: err.name, message: err.message, stack: err.stack };
}
