/** The security part of the configuration, as createHttpServer takes it. */
import type { JunctionConfig } from '../../config';
import { DEFAULT_HTTP_HARDENING } from './http-hardening';
import { DEFAULT_QUERY_LIMITS } from './query-limits';
import type { SecurityOptions } from './index';

export function securityOptionsFrom(config: Pick<JunctionConfig, 'security'>): Partial<SecurityOptions> {
  const s = config.security;
  return {
    queryLimits: { ...DEFAULT_QUERY_LIMITS, ...s.queryLimits },
    authThrottle: s.authThrottle,
    trustedProxies: s.trustedProxies,
    http: { ...DEFAULT_HTTP_HARDENING, corsOrigins: s.corsOrigins, requestTimeoutMs: s.requestTimeoutMs },
    subscriptions: s.subscriptions,
    metricsKey: s.metricsKey,
  };
}
