/**
 * The pub/sub event target over Redis that degrades instead of failing: an event reaches this
 * instance's subscribers directly, in process, and other instances through Redis.
 *
 * graphql-yoga's own Redis target sends every event — even one for a subscriber on the same
 * instance — through Redis, so with Redis down no subscription hears anything, and its
 * unawaited PUBLISH/SUBSCRIBE promises reject unhandled (which ends a Node process). Here
 * Redis is only the bridge between instances: publishing fails fast and is logged while it
 * is away, and subscriptions are renewed when it comes back.
 */
import { randomUUID } from 'node:crypto';
import type { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The same interface graphql-yoga's Redis target offers, so createPubSub takes either. */
type PubSubEventTarget = ReturnType<typeof createRedisEventTarget>;
type PubSubEvent = Parameters<PubSubEventTarget['dispatchEvent']>[0];
type Listener = ((event: PubSubEvent) => void) | { handleEvent(event: PubSubEvent): void };

/** What travels through Redis: the publishing instance (so it skips its own echo) and the payload. */
interface Envelope {
  from: string;
  detail: unknown;
}

export interface LocalFirstEventTargetOptions {
  publishClient: Redis;
  subscribeClient: Redis;
  logger?: Logger;
  /** How often a failure to publish is logged while Redis is away. @default 10000 */
  logEveryMs?: number;
}

export function createLocalFirstEventTarget(options: LocalFirstEventTargetOptions): PubSubEventTarget {
  const { publishClient, subscribeClient, logger } = options;
  const instance = randomUUID();
  const listeners = new Map<string, Set<Listener>>();
  let lastLogged = 0;
  const warn = (err: unknown, msg: string) => {
    // One line per interval, not one per event, while Redis is away.
    if (Date.now() - lastLogged < (options.logEveryMs ?? 10_000)) return;
    lastLogged = Date.now();
    logger?.warn({ err: err instanceof Error ? err.message : String(err) }, msg);
  };
  const deliver = (topic: string, detail: unknown) => {
    for (const listener of listeners.get(topic) ?? []) {
      const event = new CustomEvent(topic, { detail }) as PubSubEvent;
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  };
  const subscribe = (topics: string[]) => {
    if (topics.length) subscribeClient.subscribe(...topics).catch((err: unknown) => warn(err, 'redis subscribe failed; retried when redis is back'));
  };

  subscribeClient.on('message', (topic: string, message: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.from !== instance) deliver(topic, envelope.detail);
  });
  // ioredis re-subscribes what it had on reconnect; a SUBSCRIBE that failed while Redis was
  // away is not among those, so every topic with listeners is subscribed again (idempotent).
  subscribeClient.on('ready', () => subscribe([...listeners.keys()]));

  return {
    addEventListener(topic: string, listener: Listener | null) {
      if (!listener) return;
      let set = listeners.get(topic);
      if (!set) {
        listeners.set(topic, (set = new Set()));
        subscribe([topic]);
      }
      set.add(listener);
    },
    removeEventListener(topic: string, listener: Listener | null) {
      const set = listeners.get(topic);
      if (!listener || !set) return;
      set.delete(listener);
      if (set.size > 0) return;
      listeners.delete(topic);
      subscribeClient.unsubscribe(topic).catch(() => undefined);
    },
    dispatchEvent(event: PubSubEvent) {
      const detail = event.detail ?? null;
      deliver(event.type, detail);
      const envelope: Envelope = { from: instance, detail };
      publishClient.publish(event.type, JSON.stringify(envelope)).catch((err: unknown) => warn(err, 'redis publish failed; other instances miss this event'));
      return true;
    },
  } as PubSubEventTarget;
}
