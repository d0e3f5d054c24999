/**
 * One Bottleneck limiter per connection. With a Redis URL the limiter is clustered, so
 * every Junction instance draws from the same budget for that connection.
 *
 * The connection's circuit breaker travels with its limiter: every client already builds
 * its transport from `createLimiter(options.limiter)`, so each adapter (present and future)
 * gets the breaker without knowing about it.
 *
 * While Redis is unreachable a clustered limiter hands calls to an in-process twin with the
 * same pacing, so vendor calls (a sync, `testConnection`) go on instead of waiting for Redis;
 * each instance then keeps the rate on its own, and the shared budget resumes when Redis does.
 */
import Bottleneck from 'bottleneck';
import IORedis from 'ioredis';
import type { LimiterOptions } from '../system-api';
import { CircuitBreaker } from './circuit-breaker';

const breakers = new WeakMap<Bottleneck, CircuitBreaker>();
/** The Redis-backed limiter behind a limiter returned for a Redis URL, and its connection. */
const clustered = new WeakMap<Bottleneck, { shared: Bottleneck; connection: Bottleneck.IORedisConnection; state: { lost: boolean } }>();

export function createLimiter(options: LimiterOptions | undefined): Bottleneck {
  const base = (slack: number): Bottleneck.ConstructorOptions => ({
    maxConcurrent: options?.maxConcurrent ?? 4,
    minTime: Math.max(options?.minTimeMs ?? 0, spacingFor(options?.rate, slack)),
    ...budgetFor(options?.rate),
  });
  const limiter = new Bottleneck(base(LOCAL_SLACK));
  if (options?.redisUrl) {
    // A command gives up after one reconnect attempt, so a call caught by the outage fails
    // (and is retried, then locally) within seconds instead of queueing for Redis.
    const client = new IORedis(options.redisUrl, { maxRetriesPerRequest: 1 });
    const connection = new Bottleneck.IORedisConnection({ client });
    connection.on('error', () => undefined);
    const shared = new Bottleneck({ ...base(SHARED_SLACK), id: `junction-limiter:${options.id}`, clearDatastore: false, connection, timeout: 60_000 });
    // Lost once it was connected (or a first connect failed), found again when it is ready: a
    // limiter still making its first connection waits for it, so instances start out sharing.
    const state = { lost: false };
    client.on('close', () => (state.lost = true));
    client.on('ready', () => (state.lost = false));
    const local = limiter.schedule.bind(limiter) as (...args: unknown[]) => Promise<unknown>;
    const remote = shared.schedule.bind(shared) as (...args: unknown[]) => Promise<unknown>;
    limiter.schedule = ((...args: unknown[]) => (state.lost ? local(...args) : remote(...args))) as Bottleneck['schedule'];
    clustered.set(limiter, { shared, connection, state });
  }
  breakers.set(limiter, new CircuitBreaker(options?.circuit, options?.onCircuit));
  return limiter;
}

/**
 * Spacing calls `windowMs / requests` apart keeps any window of `windowMs` at `requests` or
 * fewer, wherever the vendor's window starts (a reservoir refilled per window would not: two
 * bursts at a refill boundary fit in one vendor window), so calls are paced, never refused.
 * The slack (a longer window) absorbs lateness; the usable share of the vendor's rate is
 * 1 / (1 + slack). In one process Bottleneck spaces from each call's actual start, so a late
 * call only widens the gap: 2 % (98 % usable). Clustered, the next slot is fixed in Redis when
 * a call is queued, so an instance whose event loop runs late sends closer to another's call:
 * 5 % (95.2 % usable), which kept two busy processes at 0 × 429 where 2 % let one through.
 * In clustered mode Bottleneck enforces minTime across every instance.
 */
const LOCAL_SLACK = 0.02;
const SHARED_SLACK = 0.05;

function spacingFor(rate: LimiterOptions['rate'], slack: number): number {
  return rate && rate.windowMs <= PACED_WINDOW_MS ? Math.ceil((rate.windowMs / rate.requests) * (1 + slack)) : 0;
}

/**
 * Limits over long windows (Salesforce's daily allocation) are a budget, not a pace: spacing
 * 15,000 calls a day 5.8 s apart would make a sync crawl while the org has calls to spare.
 * The budget is a leaky bucket: half the limit at once, the other half trickling back over
 * the window in 48 steps, so no rolling window (wherever it starts) holds more than the limit.
 */
const PACED_WINDOW_MS = 600_000;
const BUDGET_STEPS = 48;

function budgetFor(rate: LimiterOptions['rate']): Bottleneck.ConstructorOptions {
  if (!rate || rate.windowMs <= PACED_WINDOW_MS) return {};
  const stock = Math.max(1, Math.floor(rate.requests / 2));
  return {
    reservoir: stock,
    reservoirIncreaseMaximum: stock,
    reservoirIncreaseAmount: Math.max(1, Math.floor(rate.requests / (2 * BUDGET_STEPS))),
    reservoirIncreaseInterval: Math.ceil(rate.windowMs / BUDGET_STEPS),
  };
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
  const store = ((clustered.get(limiter)?.shared ?? limiter) as unknown as { _store?: Partial<ClusteredStore> })._store;
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
  const redis = clustered.get(limiter);
  if (redis) {
    await Promise.resolve(redis.shared.disconnect());
    // QUIT lets pending commands finish; with Redis away it would only wait, so then just drop it.
    await redis.connection.disconnect(!redis.state.lost);
  }
}
