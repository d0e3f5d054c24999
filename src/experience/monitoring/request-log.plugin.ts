/**
 * One structured log line per GraphQL request, carrying the request's correlation id (the
 * context's `requestId`), which is also returned as `x-request-id` so a client report can be
 * matched to the log. Sync runs carry theirs as `runId` in the engine's lines.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { JunctionContext } from '../context';

export function requestLogPlugin(logger: Logger): ApolloServerPlugin<JunctionContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = Date.now();
      const log = logger.child({ requestId: contextValue.requestId });
      return {
        async willSendResponse({ response, operationName, errors }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
          log.info(
            { operationName: operationName ?? null, role: contextValue.principal?.role ?? null, durationMs: Date.now() - started, errorCodes: (errors ?? []).map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') },
            'graphql request',
          );
        },
      };
    },
  };
}
