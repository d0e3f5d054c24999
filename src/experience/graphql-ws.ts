/**
 * graphql-ws on the HTTP server's port, path /graphql (STACK.md "One port"). The key is
 * checked once, at connection_init (`connectionParams.authorization`): a missing or
 * unknown key closes the socket with 4401, a role that may not subscribe with 4403.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Principal } from '../process';
import type { Authenticator } from './auth/authenticate';
import { CAN, isAllowed } from './auth/roles';
import { createContext, type ExperienceServices } from './context';
import { sharedResultSubscribe } from './monitoring/shared-subscription-results';
import { SubscriptionLimitError } from './security/errors';
import { formatSecureError } from './security/format-error';
import type { QueryGuards } from './security/query-limits';
import type { SocketRegistry, SubscriptionLimits } from './security/socket-registry';

/** Same bound as the HTTP body limit: a bigger message closes the socket (1009) unread. */
export const WS_MAX_PAYLOAD_BYTES = 1024 * 1024;
export const WS_CLOSE = { UNAUTHORIZED: 4401, FORBIDDEN: 4403, TOO_MANY_REQUESTS: 4429 } as const;

export interface GraphqlWsOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  services: ExperienceServices;
  authenticator: Authenticator;
  logger: Logger;
  /** Query limits: the same as over HTTP. */
  guards: QueryGuards;
  /** Open sockets by key id, so a revoked key's sockets close at once. */
  sockets: SocketRegistry;
  /** The client's address (X-Forwarded-For only behind a trusted proxy); the peer's by default. */
  clientAddress?: (req: IncomingMessage) => string | undefined;
  /** Operations open at once on one socket, and sockets open at once under one key. */
  limits: SubscriptionLimits;
}


export function attachGraphqlWs(options: GraphqlWsOptions): { dispose(): Promise<void> } {
  const { httpServer, schema, services, authenticator, logger, guards, sockets, limits } = options;
  const clientAddress = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: WS_MAX_PAYLOAD_BYTES });
  const principals = new WeakMap<object, Principal>();

  const serverCleanup = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      // Identical HealthChanged subscriptions share one execution per event (monitoring/shared-subscription-results.ts).
      subscribe: sharedResultSubscribe(),
      async onConnect(ctx) {
        const remote = clientAddress(ctx.extra.request);
        const outcome = await authenticator.authenticate(ctx.connectionParams?.authorization, 'ws', remote);
        if (!outcome.ok && outcome.reason === 'THROTTLED') {
          ctx.extra.socket.close(WS_CLOSE.TOO_MANY_REQUESTS, `Too many failed authentications: retry in ${outcome.retryAfterSeconds} s`);
          return false;
        }
        if (!outcome.ok || outcome.principal === null) {
          if (outcome.ok) authenticator.fail('MISSING', 'ws', remote);
          ctx.extra.socket.close(WS_CLOSE.UNAUTHORIZED, 'Unauthorized');
          return false;
        }
        if (!isAllowed(outcome.principal.role, CAN.read)) {
          logger.info({ role: outcome.principal.role, remote }, 'subscription socket refused: role may not subscribe');
          ctx.extra.socket.close(WS_CLOSE.FORBIDDEN, 'Forbidden');
          return false;
        }
        const { id } = outcome.principal;
        // Each socket holds memory for its subscriptions: one key may not open them without end.
        if (sockets.count(id) >= limits.maxSocketsPerKey) {
          logger.warn({ keyId: id, remote, limit: limits.maxSocketsPerKey }, 'subscription socket refused: too many sockets for the key');
          ctx.extra.socket.close(WS_CLOSE.TOO_MANY_REQUESTS, `Too many open sockets for this API key (limit ${limits.maxSocketsPerKey})`);
          return false;
        }
        principals.set(ctx, outcome.principal);
        sockets.add(id, ctx.extra.socket);
        ctx.extra.socket.once('close', () => sockets.remove(id, ctx.extra.socket));
        return true;
      },
      // The operation being subscribed is already counted in ctx.subscriptions.
      onSubscribe: (ctx, _id, payload) =>
        Object.keys(ctx.subscriptions).length > limits.maxPerSocket ? [new SubscriptionLimitError(limits.maxPerSocket)] : guards.guardWsOperation(payload),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatSecureError(e.toJSON(), e, logger)),
      context(ctx) {
        return createContext(services, principals.get(ctx) ?? null, {
          cacheLoaders: false,
          onMissingKey: () => authenticator.fail('MISSING', 'ws'),
        });
      },
      // Same masking as HTTP: no internals in subscription results either.
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors?.length) return undefined;
        // Formatted errors serialize exactly as GraphQLErrors do (their toJSON); the cast only bridges the types.
        const errors = result.errors.map((e) => formatSecureError(e.toJSON() as GraphQLFormattedError, e, logger));
        return { ...result, errors } as unknown as typeof result;
      },
    },
    wsServer,
  );

  return {
    async dispose() {
      await serverCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
