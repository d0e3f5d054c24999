/**
 * The subscription fan-out: graphql-yoga's pub/sub, in-process by default, over Redis
 * (two ioredis clients: one subscribes, one publishes) when a URL is given so every
 * instance sees every event. This instance's subscribers are served in process, so they
 * keep working while Redis is down (local-first-event-target.ts). The process tier publishes through the EventBus adapter and
 * never sees GraphQL.
 */
import { setMaxListeners } from 'node:events';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus, EventPayloads, Topic } from '../process';
import { createLocalFirstEventTarget } from './local-first-event-target';

/** Topic → payload. Over Redis, payloads arrive as parsed JSON (dates as strings). */
export type JunctionTopics = { [T in Topic]: [EventPayloads[T]] };
export type JunctionPubSub = PubSub<JunctionTopics>;

export interface JunctionPubSubBundle {
  pubSub: JunctionPubSub;
  /** What the process tier publishes to. */
  events: EventBus;
  close(): Promise<void>;
}

/** @param logger receives Redis connection errors (ioredis reconnects by itself). */
export function createJunctionPubSub(redisUrl?: string, logger?: Logger): JunctionPubSubBundle {
  if (!redisUrl) {
    // Every subscriber of a topic is one listener; Node warns past 10 per EventTarget, and 1,000 are normal here.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    const pubSub = createPubSub<JunctionTopics>({ eventTarget });
    return { pubSub, events: eventBusOver(pubSub), close: async () => undefined };
  }
  // While Redis is away a PUBLISH gives up after one reconnect attempt (the event still reached
  // this instance's subscribers); a SUBSCRIBE waits for Redis to return.
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  let lastError = 0;
  for (const [role, client] of [['publish', publishClient], ['subscribe', subscribeClient]] as const)
    client.on('error', (err: Error) => {
      // ioredis reports every reconnect attempt; one line per 10 s is enough to see the outage.
      if (Date.now() - lastError < 10_000) return;
      lastError = Date.now();
      logger?.warn({ err: err.message, role }, 'redis pub/sub connection error; events reach this instance only until it returns');
    });
  const pubSub = createPubSub<JunctionTopics>({ eventTarget: createLocalFirstEventTarget({ publishClient, subscribeClient, logger }) });
  return {
    pubSub,
    events: eventBusOver(pubSub),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/** The process tier's EventBus over a pub/sub: what it publishes reaches this pub/sub's subscribers. */
export function eventBusOver(pubSub: JunctionPubSub): EventBus {
  return {
    publish(topic, payload) {
      (pubSub.publish as (topic: Topic, payload: unknown) => void)(topic, payload);
    },
  };
}
