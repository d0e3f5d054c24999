/**
 * The subscription fan-out: graphql-yoga's pub/sub, in-process by default, over Redis
 * (two ioredis clients: one subscribes, one publishes) when a URL is given so every
 * instance sees every event. The process tier publishes through the EventBus adapter and
 * never sees GraphQL.
 */
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus, EventPayloads, Topic } from '../process/events';

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
    const pubSub = createPubSub<JunctionTopics>();
    return { pubSub, events: eventBusOver(pubSub), close: async () => undefined };
  }
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  for (const [role, client] of [['publish', publishClient], ['subscribe', subscribeClient]] as const)
    client.on('error', (err: Error) => logger?.warn({ err, role }, 'redis pub/sub connection error'));
  const pubSub = createPubSub<JunctionTopics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  return {
    pubSub,
    events: eventBusOver(pubSub),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

function eventBusOver(pubSub: JunctionPubSub): EventBus {
  return {
    publish(topic, payload) {
      (pubSub.publish as (topic: Topic, payload: unknown) => void)(topic, payload);
    },
  };
}
