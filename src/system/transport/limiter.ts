/**
 * One Bottleneck limiter per connection. With a Redis URL the limiter is clustered, so
 * every Junction instance draws from the same budget for that connection.
 */
import Bottleneck from 'bottleneck';
import IORedis from 'ioredis';
import type { LimiterOptions } from '../system-api';

export function createLimiter(options: LimiterOptions | undefined): Bottleneck {
  const base: Bottleneck.ConstructorOptions = {
    maxConcurrent: options?.maxConcurrent ?? 4,
    minTime: options?.minTimeMs ?? 0,
  };
  if (!options?.redisUrl) return new Bottleneck(base);
  return new Bottleneck({
    ...base,
    id: `junction-limiter:${options.id}`,
    datastore: 'ioredis',
    clearDatastore: false,
    Redis: IORedis,
    clientOptions: options.redisUrl,
    timeout: 60_000,
  } as Bottleneck.ConstructorOptions);
}

export async function closeLimiter(limiter: Bottleneck): Promise<void> {
  // For the local datastore disconnect() returns undefined, not a promise (STACK.md).
  await Promise.resolve(limiter.disconnect());
}
