/**
 * The security layer's codes on top of the common masking (common/errors.ts): throttling
 * and query-limit errors reach the client as they are (minus transport details); every
 * other error goes through `formatClientError`, which masks the unexpected ones behind a
 * correlation id.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { formatClientError } from '../common/errors';
import { QueryLimitError, SubscriptionLimitError, TooManyRequestsError } from './errors';
import { InputError } from './input-guard';

function originalOf(error: unknown): unknown {
  if (error instanceof GraphQLError && error.originalError) return originalOf(error.originalError);
  return error;
}

export function formatSecureError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = originalOf(error);
  if (original instanceof TooManyRequestsError || original instanceof QueryLimitError || original instanceof InputError || original instanceof SubscriptionLimitError) {
    const extensions: Record<string, unknown> = { ...original.extensions };
    delete extensions.http;
    return { message: original.message, ...(formatted.path ? { path: formatted.path } : {}), extensions };
  }
  return formatClientError(formatted, error, logger);
}
