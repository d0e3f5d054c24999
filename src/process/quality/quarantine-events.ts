/**
 * Where quarantine changes are announced (TOPICS.QUARANTINE_CHANGED). The operator's
 * commands and partner upserts are given their bus at wiring time and pass it here. Only the
 * inbound sync pipeline (sync/inbound/inbound.ts) still publishes through the bus the
 * composition root attaches once, until its context carries one: that default is the last
 * module-level bus, and goes when inbound passes its own. Until attached, its events go nowhere.
 */
import { NO_EVENTS, TOPICS, type EventBus } from '../events';
import type { RecordIssue } from '../model';

let bus: EventBus = NO_EVENTS;

/** For the inbound sync pipeline only (see above). */
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
