/**
 * Pausing and resuming connections. Only two things pause a connection: a person
 * (pauseConnection: no end, until they resume it), and a spent daily API quota (until the
 * vendor's reset, when it resumes by itself). Refused credentials do not pause: the
 * connection is FAILING and alerts (connection-status.ts).
 */
import { endDuePauses, endPause, pauseUntil, pauseWithoutEnd } from '../store/connections/connection-status.repository';
import type { Queryable } from '../store/queryable';
import { refusalReason } from './connection-status';

/** Pauses a connection until `until` (a spent quota's reset). */
export async function pauseConnection(db: Queryable, connectionId: string, reason: string, until: Date): Promise<void> {
  await pauseUntil(db, connectionId, reason.slice(0, 500), until);
}

/** A person pauses a connection, without an end: nothing is scheduled for it until they resume it. */
export async function pauseByPerson(db: Queryable, connectionId: string, reason: string | null): Promise<void> {
  const why = reason?.trim() ? `paused by an operator: ${reason.trim()}` : 'paused by an operator';
  await pauseWithoutEnd(db, connectionId, why.slice(0, 500));
}

/**
 * Ends any pause. The status goes back to what is known: FAILING while its credentials stand
 * refused, HEALTHY once anything proved the connection (a token, a finished run), else UNKNOWN.
 */
export async function resumeByPerson(db: Queryable, connectionId: string): Promise<void> {
  await endPause(db, connectionId, refusalReason('refused before the pause; no token has been issued since'));
}

/** Resumes every connection whose pause has run out; returns their ids. */
export function resumeDueConnections(db: Queryable, now: Date): Promise<string[]> {
  return endDuePauses(db, now);
}

/** The next UTC midnight after `now`: when HubSpot's daily limit resets, and our fallback. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/**
 * When a spent daily quota comes back: the vendor's own reset time when it gave one,
 * else the next UTC midnight (Salesforce's quota is a rolling 24 h and names no time).
 */
export function quotaResumeAt(vendorResetsAt: string | Date | null | undefined, now: Date): Date {
  const vendor = vendorResetsAt ? new Date(vendorResetsAt) : undefined;
  return vendor && !Number.isNaN(vendor.getTime()) && vendor > now ? vendor : nextUtcMidnight(now);
}
