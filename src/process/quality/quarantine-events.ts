/**
 * Where quarantine changes are announced (TOPICS.QUARANTINE_CHANGED). The composition root
 * attaches the real bus once; the pipeline, deep inside a sync page, publishes through it
 * without every caller having to thread a bus through. Until attached, events go nowhere.
 */
import { NO_EVENTS, TOPICS, type EventBus } from '../events';
import type { RecordIssue } from '../model';

let bus: EventBus = NO_EVENTS;

export function attachQuarantineEvents(events: EventBus): void {
  bus = events;
}

/** The whole entry travels, so a subscriber needs no read (which could race the commit). */
export interface QuarantineChange {
  id: string;
  status: 'PENDING' | 'RESOLVED' | 'DISCARDED';
  remoteId: string | null;
  issues: RecordIssue[];
}

export function publishQuarantineChanged(change: QuarantineChange, events: EventBus = bus): void {
  events.publish(TOPICS.QUARANTINE_CHANGED, change);
}
