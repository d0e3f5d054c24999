/**
 * Everything the server wires in for security, built in one place so server.ts stays a
 * composition: query limits (HTTP and graphql-ws), the bad-key throttle, the socket
 * registry that revocation closes, API key administration, and HTTP hardening.
 */
import type { RequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { type ApiKeyService, AuthThrottle, type AuthThrottleOptions, DEFAULT_AUTH_THROTTLE } from '../../process';
import { createApiKeyAdmin, type ApiKeyAdmin } from '../access/api-key-admin';
import { clientAddress, type ClientAddress } from './client-address';
import { DEFAULT_HTTP_HARDENING, securityMiddleware, type HttpHardening } from './http-hardening';
import { createQueryGuards, DEFAULT_QUERY_LIMITS, type QueryGuards, type QueryLimits } from './query-limits';
import { DEFAULT_SUBSCRIPTION_LIMITS, SocketRegistry, type SubscriptionLimits } from './socket-registry';

export { applyServerTimeouts } from './http-hardening';
export { formatSecureError } from './format-error';
export { TooManyRequestsError } from './errors';

export interface SecurityOptions {
  queryLimits: QueryLimits;
  authThrottle: AuthThrottleOptions;
  /** Reverse proxies whose X-Forwarded-For is believed (IPs, CIDRs); empty: the peer is the client. */
  trustedProxies: string[];
  http: HttpHardening;
  /** How often open sockets are checked for keys revoked on another instance. */
  socketSweepMs: number;
  /** graphql-ws: operations per socket and sockets per key. */
  subscriptions: SubscriptionLimits;
  /** Bearer key for /metrics from beyond loopback; without it only loopback may scrape. */
  metricsKey?: string;
}

export const DEFAULT_SECURITY: SecurityOptions = {
  queryLimits: DEFAULT_QUERY_LIMITS,
  authThrottle: DEFAULT_AUTH_THROTTLE,
  trustedProxies: [],
  http: DEFAULT_HTTP_HARDENING,
  socketSweepMs: 15_000,
  subscriptions: DEFAULT_SUBSCRIPTION_LIMITS,
};

export interface Security {
  options: SecurityOptions;
  guards: QueryGuards;
  throttle: AuthThrottle;
  clientAddress: ClientAddress;
  sockets: SocketRegistry;
  apiKeyAdmin: ApiKeyAdmin | undefined;
  middleware: RequestHandler[];
  stop(): void;
}

type KeyStore = Pick<ApiKeyService, 'verify'> & Partial<Pick<ApiKeyService, 'create' | 'revoke' | 'list' | 'revokedAmong'>>;

export function createSecurity(
  schema: GraphQLSchema,
  env: 'development' | 'production' | 'test',
  apiKeys: KeyStore,
  logger: Logger,
  overrides: Partial<SecurityOptions> = {},
): Security {
  const options: SecurityOptions = {
    ...DEFAULT_SECURITY,
    ...overrides,
    queryLimits: { ...DEFAULT_QUERY_LIMITS, ...overrides.queryLimits },
    http: { ...DEFAULT_HTTP_HARDENING, ...overrides.http },
    subscriptions: { ...DEFAULT_SUBSCRIPTION_LIMITS, ...overrides.subscriptions },
  };
  const sockets = new SocketRegistry();
  const { create, revoke, list, revokedAmong } = apiKeys;
  const apiKeyAdmin =
    create && revoke && list ? createApiKeyAdmin({ create: create.bind(apiKeys), revoke: revoke.bind(apiKeys), list: list.bind(apiKeys) }, sockets) : undefined;
  const stopSweep = revokedAmong
    ? sockets.sweepEvery(options.socketSweepMs, (ids) => revokedAmong.call(apiKeys, ids), (err) => logger.warn({ err }, 'revoked-key sweep failed'))
    : () => undefined;
  return {
    options,
    guards: createQueryGuards(schema, options.queryLimits, { introspection: env !== 'production' }),
    throttle: new AuthThrottle(options.authThrottle),
    clientAddress: clientAddress(options.trustedProxies),
    sockets,
    apiKeyAdmin,
    middleware: securityMiddleware(options.http),
    stop: stopSweep,
  };
}
