/**
 * One Bottleneck limiter per connection. With a Redis URL the limiter is clustered, so
 * every Junction instance draws from the same budget for that connection.
 *
 * The connection's circuit breaker travels with its limiter: every client already builds
 * its transport from `createLimiter(options.limiter)`, so each adapter (present and future)
 * gets the breaker without knowing about it.
 */
import Bottleneck from 'bottleneck';
import IORedis from 'ioredis';
import type { LimiterOptions } from '../system-api';
import { CircuitBreaker } from './circuit-breaker';

const breakers = new WeakMap<Bottleneck, CircuitBreaker>();

export function createLimiter(options: LimiterOptions | undefined): Bottleneck {
  const base: Bottleneck.ConstructorOptions = {
    maxConcurrent: options?.maxConcurrent ?? 4,
    minTime: Math.max(options?.minTimeMs ?? 0, spacingFor(options?.rate)),
  };
  const limiter = options?.redisUrl
    ? new Bottleneck({
        ...base,
        id: `junction-limiter:${options.id}`,
        datastore: 'ioredis',
        clearDatastore: false,
        Redis: IORedis,
        clientOptions: options.redisUrl,
        timeout: 60_000,
      } as Bottleneck.ConstructorOptions)
    : new Bottleneck(base);
  breakers.set(limiter, new CircuitBreaker(options?.circuit, options?.onCircuit));
  return limiter;
}

/**
 * Spacing calls `windowMs / requests` apart keeps any window of `windowMs` at `requests` or
 * fewer, wherever the vendor's window starts (a reservoir refilled per window would not: two
 * bursts at a refill boundary fit in one vendor window), so calls are paced, never refused.
 * 2 % slack absorbs network jitter and still leaves 98 % of the vendor's rate usable (at 5 %
 * the ceiling was 95.2 %, the saturation target itself). Jitter that delays a later call only
 * widens the gap; keep-alive sockets keep an earlier call from arriving late.
 * In clustered mode Bottleneck enforces minTime across every instance.
 */
function spacingFor(rate: LimiterOptions['rate']): number {
  return rate ? Math.ceil((rate.windowMs / rate.requests) * 1.02) : 0;
}

/** The circuit breaker of a connection's limiter (undefined for limiters built elsewhere). */
export function breakerOf(limiter: Bottleneck): CircuitBreaker | undefined {
  return breakers.get(limiter);
}

interface ClusteredStore {
  runScript(name: string, args: unknown[]): Promise<unknown>;
  prepareInitSettings(clear: boolean): unknown[];
}

/**
 * Re-creates a clustered limiter's state after Redis lost it (restarted without persistence).
 * Bottleneck 2.19.5 would do this itself on SETTINGS_KEY_NOT_FOUND / UNKNOWN_CLIENT, but it
 * compares the exact message and Redis 7 prefixes script errors with "ERR ", so it never does.
 * Returns true when the error was that loss and the state was rebuilt.
 */
export async function repairLimiter(limiter: Bottleneck, err: unknown): Promise<boolean> {
  const message = err instanceof Error ? err.message : String(err);
  if (!/SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT/.test(message)) return false;
  const store = (limiter as unknown as { _store?: Partial<ClusteredStore> })._store;
  if (typeof store?.runScript !== 'function' || typeof store.prepareInitSettings !== 'function') return false;
  try {
    await store.runScript('init', store.prepareInitSettings(false));
    await store.runScript('register_client', [limiter.queued()]);
    return true;
  } catch {
    return false;
  }
}

export async function closeLimiter(limiter: Bottleneck): Promise<void> {
  // For the local datastore disconnect() returns undefined, not a promise (STACK.md).
  await Promise.resolve(limiter.disconnect());
}
