/**
 * Where quarantine changes are announced (TOPICS.QUARANTINE_CHANGED). Every publisher is
 * given its bus: the operator's commands and partner upserts at wiring time, the inbound
 * pipeline in its page's context (the sync engine passes its own).
 */
import { TOPICS, type EventBus } from '../events';
import type { RecordIssue } from '../model';

/** The whole entry travels, so a subscriber needs no read (which could race the commit). */
export interface QuarantineChange {
  id: string;
  status: 'PENDING' | 'RESOLVED' | 'DISCARDED';
  remoteId: string | null;
  issues: RecordIssue[];
}

export function publishQuarantineChanged(change: QuarantineChange, events: EventBus): void {
  events.publish(TOPICS.QUARANTINE_CHANGED, change);
}
