/**
 * The experience tier's HTTP server: one port for GraphQL over HTTP (Apollo Server 5 on
 * express 5), graphql-ws subscriptions on the same /graphql path, and the health routes
 * (STACK.md "One port for HTTP and WebSocket").
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { type ApiKeyService, AuthFailureCounter, type AuthFailureReport, AuthFailureStore, createDataQualityServices, createReadQueries, ErrorLogQueries, type EventBus, RecordCommands, type StoreHandle, type SyncRunService, type WebhookService } from '../process';
import { fieldMappingServiceOver } from '../process';
import { createAuthenticator } from './auth/authenticate';
import { UnauthenticatedError } from './common/errors';
import { createContext, type ConnectionCommands, type ExperienceServices, type JunctionContext } from './context';
import { CompiledQueries } from './compiled-queries';
import { attachGraphqlWs } from './graphql-ws';
import { dashboardRoutes } from './dashboard/dashboard.routes';
import { auditRoutes } from './monitoring/audit.routes';
import { metricsRoutes } from './monitoring/metrics.routes';
import { requestLogPlugin } from './monitoring/request-log.plugin';
import { createMonitoringServices, type MonitoringServices } from './monitoring/monitoring.services';
import { healthRoutes } from './health.routes';
import { webhookRoutes } from './webhooks/webhook.routes';
import { oauthCallbackRoutes } from './connections/oauth-callback.routes';
import { eventBusOver, type JunctionPubSub } from './pubsub';
import { buildJunctionSchema } from './schema';
import { applyServerTimeouts, createSecurity, formatSecureError, TooManyRequestsError, type SecurityOptions } from './security';

export interface HttpServerOptions {
  /** `production` turns introspection off. */
  env: 'development' | 'production' | 'test';
  dataSource: StoreHandle;
  connections: ConnectionCommands;
  /** Receives CRM change notifications at /webhooks/:connectionId when given. */
  webhooks?: Pick<WebhookService, 'receive'>;
  /** Hand edits to records; built over `dataSource` when not given. */
  records?: ExperienceServices['records'];
  syncRuns: Pick<SyncRunService, 'trigger' | 'cancel'>;
  /** With create/revoke/list/revokedAmong (a full ApiKeyService) the key operations and socket sweep work. */
  apiKeys: Pick<ApiKeyService, 'verify'> & Partial<Pick<ApiKeyService, 'create' | 'revoke' | 'list' | 'revokedAmong'>>;
  /** Query limits, bad-key throttle, CORS origins, timeouts (src/experience/security). */
  security?: Partial<SecurityOptions>;
  pubSub: JunctionPubSub;
  /** Where the API's commands announce events (quarantine changes). @default a bus over `pubSub` */
  events?: EventBus;
  logger: Logger;
  /** Failed authentications; pass one to read the count elsewhere (audit, dashboard). */
  authFailures?: AuthFailureCounter;
  /** A schema built already (by buildJunctionSchema); built from `pubSub` otherwise. */
  schema?: GraphQLSchema;
  /** The AuditReport operation; without it the operation answers an error. */
  audit?: MonitoringServices['audit'];
  /** runAudit, auditReports and the /audits/<id>.md|csv|json downloads; without it they answer an error (404 for downloads). */
  audits?: MonitoringServices['audits'];
  /** Field mappings and the data dictionary; built over `connections` when it can read CRMs. */
  mappings?: ExperienceServices['mappings'];
  /** @default '1mb' */
  bodyLimit?: string;
  /** startConnect and GET /oauth/callback (connecting a CRM by consent); without it they are unavailable. */
  consent?: ExperienceServices['consent'];
}

export interface JunctionHttpServer {
  httpServer: Server;
  authFailures: AuthFailureCounter;
  /** Plans for hot queries (compiled-queries.ts). */
  compiledQueries: CompiledQueries;
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<JunctionHttpServer> {
  const { dataSource, logger } = options;
  const schema = options.schema ?? (await buildJunctionSchema(options.pubSub));
  const authFailures = options.authFailures ?? new AuthFailureCounter({ sink: new AuthFailureStore(dataSource), report: logAuthFailure(logger) });
  const security = createSecurity(schema, options.env, options.apiKeys, logger, options.security);
  const authenticator = createAuthenticator(options.apiKeys, authFailures, security.throttle);
  const services: ExperienceServices = {
    queries: createReadQueries(dataSource),
    connections: options.connections,
    records: options.records ?? new RecordCommands(dataSource),
    syncRuns: options.syncRuns,
    quality: createDataQualityServices(dataSource, options.events ?? eventBusOver(options.pubSub)),
    apiKeys: options.apiKeys,
    monitoring: createMonitoringServices(dataSource, options.audit, options.audits),
    errorLog: new ErrorLogQueries(dataSource),
    mappings: options.mappings ?? fieldMappingServiceOver(dataSource, options.connections),
    apiKeyAdmin: security.apiKeyAdmin,
    consent: options.consent,
    logger,
  };

  const app = express();
  app.disable('x-powered-by');
  // GraphQL answers are POST responses no client revalidates; hashing every body for an ETag is wasted work.
  app.disable('etag');
  // req.ip (webhook logs) names the client exactly as the throttle does.
  app.set('trust proxy', security.clientAddress.trust);
  const httpServer = createServer(app);
  applyServerTimeouts(httpServer, security.options.http);
  const ws = attachGraphqlWs({
    httpServer,
    schema,
    services,
    authenticator,
    logger,
    guards: security.guards,
    sockets: security.sockets,
    clientAddress: security.clientAddress.of,
    limits: security.options.subscriptions,
  });

  // Hot queries run as compiled plans (graphql-jit); Apollo's parsing, validation, plugins and error formatting stay.
  const compiledQueries = new CompiledQueries(schema);
  const apollo = new ApolloServer<JunctionContext>({
    gateway: compiledQueries.gateway(),
    introspection: options.env !== 'production',
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatSecureError(formatted, error, logger),
    allowBatchedHttpRequests: security.guards.apollo.allowBatchedHttpRequests,
    validationRules: security.guards.apollo.validationRules,
    parseOptions: security.guards.apollo.parseOptions,
    // Junction's own SIGTERM/SIGINT handler (src/main.ts) stops everything in order. Apollo's
    // would start stopping the HTTP server first, and Apollo Server 5.5's stop() never
    // resolves its barrier for a second, concurrent caller: the close() below would wait forever.
    stopOnTerminationSignals: false,
    plugins: [
      ...security.guards.apollo.plugins,
      ...(options.env === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
      // No cache hints are used; the default cache-control plugin would wrap every field resolver to collect them.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      requestLogPlugin(logger),
      { serverWillStart: async () => ({ drainServer: () => ws.dispose() }) },
    ],
  });
  await apollo.start();

  app.use(...security.middleware);
  app.use(healthRoutes(dataSource, logger));
  app.use(metricsRoutes(dataSource, logger, { key: security.options.metricsKey }));
  app.use(dashboardRoutes(logger));
  if (options.webhooks) app.use(webhookRoutes(options.webhooks, logger));
  if (options.consent) app.use(oauthCallbackRoutes(options.consent, logger));
  if (options.audits) app.use(auditRoutes(options.audits, authenticator, security.clientAddress.of, logger));
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const remote = security.clientAddress.of(req);
        const outcome = await authenticator.authenticate(req.headers.authorization, 'http', remote);
        // A key that is presented but wrong fails the whole request; no key fails only protected fields.
        if (!outcome.ok && outcome.reason === 'THROTTLED') throw new TooManyRequestsError(outcome.retryAfterSeconds);
        if (!outcome.ok) throw new UnauthenticatedError('The API key is malformed, unknown or revoked');
        return createContext(services, outcome.principal, {
          cacheLoaders: true,
          onMissingKey: () => authenticator.fail('MISSING', 'http', remote),
        });
      },
    }),
  );

  // Body-parser failures (malformed JSON, over the size limit) and anything else express
  // catches: answered as JSON, without the stack express's default handler would print.
  app.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = httpStatusOf(err);
    if (status >= 500) logger.error({ err }, 'unexpected error in the HTTP layer');
    const message = status >= 500 ? 'Internal server error' : err instanceof Error ? err.message : 'Bad request';
    res.status(status).json({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });

  let closed = false;
  return {
    httpServer,
    authFailures,
    compiledQueries,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve({ port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      security.stop();
      // The drain plugin stops the HTTP server gracefully; the second plugin disposes graphql-ws.
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Repeats summed since the last write are not lost with the process.
      await authFailures.flush();
    },
  };
}

/** One warn line per first failure of a kind and per aggregate of its repeats (AuthFailureCounter). */
function logAuthFailure(logger: Logger): (line: AuthFailureReport) => void {
  return ({ reason, transport, sourceAddress, keyPrefix, count, repeated, total }) =>
    logger.warn({ reason, transport, remote: sourceAddress, keyPrefix, ...(repeated ? { repeats: count } : {}), failedAuthentications: total }, 'authentication failed');
}

function httpStatusOf(err: unknown): number {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
