import { inject } from 'vitest';
import { loadConfig, type JunctionConfig } from '../../src/config';

/**
 * The configuration of a Junction started in this process on the run's database and Redis,
 * loopback only, on a port the OS picks, quiet, syncing every second; `env` adds or overrides.
 */
export function inProcessConfig(env: Record<string, string | undefined>): JunctionConfig {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl') || undefined,
    HOST: '127.0.0.1',
    JUNCTION_SYNC_INTERVAL_MS: '1000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  config.http.port = 0;
  return config;
}
