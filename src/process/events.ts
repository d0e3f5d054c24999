/**
 * Events the process tier publishes. The experience tier supplies the bus (a graphql-yoga
 * pub/sub, in-process or over Redis) and turns these topics into subscriptions.
 */
import type { SyncRunEntity } from './store/entities';

export const TOPICS = {
  SYNC_RUN_UPDATED: 'SYNC_RUN_UPDATED',
  HEALTH_CHANGED: 'HEALTH_CHANGED',
  ALERT_RAISED: 'ALERT_RAISED',
  QUARANTINE_CHANGED: 'QUARANTINE_CHANGED',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export interface EventPayloads {
  SYNC_RUN_UPDATED: SyncRunEntity;
  HEALTH_CHANGED: { at: string };
  ALERT_RAISED: { id: string };
  QUARANTINE_CHANGED: { id: string };
}

export interface EventBus {
  publish<T extends Topic>(topic: T, payload: EventPayloads[T]): void;
}

/** For processes that serve no subscriptions (workers without Redis, scripts). */
export const NO_EVENTS: EventBus = { publish: () => undefined };
