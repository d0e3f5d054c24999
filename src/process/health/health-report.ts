/**
 * Health as people read it, computed purely from a snapshot: success rates, a status per
 * connection (the dashboard's tile colour) and overall, errors by class (the error log's
 * occurrences, and failed CRM calls recovered by a retry or final).
 */
import type { ConnectionStatus } from '../store/entities';
import type { CallFailureCount } from '../store/ops/call-failure.repository';
import type { ConnectionFacts, HealthSnapshot } from './health-snapshot';

export interface ErrorCount {
  errorClass: string;
  count: number;
}

export type { CallFailureCount };

export interface ConnectionHealth {
  facts: ConnectionFacts;
  status: ConnectionStatus;
  /** Finished runs that SUCCEEDED; null when no run finished in the window. */
  successRate: number | null;
  /** Records read or written that neither failed nor went to quarantine; null with no records. */
  recordSuccessRate: number | null;
  /** max(failed-run share, failed-record share): what the failure-rate alert compares. */
  failureRate: number | null;
  apiUsageRatio: number | null;
}

export interface HealthReport {
  at: Date;
  windowMs: number;
  status: ConnectionStatus;
  successRate: number | null;
  recordSuccessRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  quarantineSize: number;
  errorsByClass: ErrorCount[];
  /** Failed CRM calls over every connection, by class; most first. */
  callFailures: CallFailureCount[];
  connections: ConnectionHealth[];
}

/** Below this run success rate a connection whose last run worked is still DEGRADED. */
const DEGRADED_BELOW = 0.99;
/** Overall status is the worst connection's; a connection nothing has proven keeps it from saying HEALTHY. */
const SEVERITY: Record<ConnectionStatus, number> = { PAUSED: 0, HEALTHY: 1, UNKNOWN: 2, DEGRADED: 3, FAILING: 4 };

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function connectionHealth(c: ConnectionFacts): ConnectionHealth {
  const successRate = ratio(c.runs.succeeded, c.runs.finished);
  const recordFailures = c.records.failed + c.records.quarantined;
  const recordSuccessRate = c.records.processed > 0 ? Math.max(0, 1 - recordFailures / c.records.processed) : null;
  const runFailure = ratio(c.runs.failed, c.runs.finished);
  const recordFailure = ratio(c.records.failed, c.records.processed);
  const failureRate = runFailure === null && recordFailure === null ? null : Math.max(runFailure ?? 0, recordFailure ?? 0);
  return { facts: c, status: statusOf(c, successRate), successRate, recordSuccessRate, failureRate, apiUsageRatio: c.apiLimit ? (c.apiUsed ?? 0) / c.apiLimit : null };
}

function statusOf(c: ConnectionFacts, successRate: number | null): ConnectionStatus {
  // Refused credentials need a person whatever else holds: a pause does not hide them.
  if (c.enabled && c.credentialsRefusedAt) return 'FAILING';
  if (!c.enabled || c.status === 'PAUSED') return 'PAUSED';
  if (c.circuit === 'OPEN' || c.status === 'FAILING' || c.lastRunStatus === 'FAILED') return 'FAILING';
  if (c.circuit === 'HALF_OPEN' || c.status === 'DEGRADED' || c.lastRunStatus === 'PARTIAL' || (successRate !== null && successRate < DEGRADED_BELOW)) return 'DEGRADED';
  return c.status === 'UNKNOWN' ? 'UNKNOWN' : 'HEALTHY';
}

export function healthReport(s: HealthSnapshot): HealthReport {
  const connections = s.connections.map(connectionHealth);
  const sum = (f: (c: ConnectionFacts) => number) => s.connections.reduce((n, c) => n + f(c), 0);
  const processed = sum((c) => c.records.processed);
  const byClass = new Map<string, number>();
  for (const c of s.connections) for (const e of c.errorsByClass) byClass.set(e.errorClass, (byClass.get(e.errorClass) ?? 0) + e.count);
  const calls = new Map<string, CallFailureCount>();
  for (const f of s.connections.flatMap((c) => c.callFailures)) {
    const total = calls.get(f.errorClass) ?? { errorClass: f.errorClass, recovered: 0, final: 0 };
    calls.set(f.errorClass, { errorClass: f.errorClass, recovered: total.recovered + f.recovered, final: total.final + f.final });
  }
  const active = connections.filter((c) => c.status !== 'PAUSED');
  return {
    at: s.at,
    windowMs: s.windowMs,
    status: active.reduce<ConnectionStatus>((worst, c) => (SEVERITY[c.status] > SEVERITY[worst] ? c.status : worst), 'HEALTHY'),
    successRate: ratio(sum((c) => c.runs.succeeded), sum((c) => c.runs.finished)),
    recordSuccessRate: processed > 0 ? Math.max(0, 1 - sum((c) => c.records.failed + c.records.quarantined) / processed) : null,
    latencyP50Ms: s.latency.p50Ms,
    latencyP95Ms: s.latency.p95Ms,
    quarantineSize: s.quarantineSize,
    errorsByClass: [...byClass].map(([errorClass, count]) => ({ errorClass, count })).sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass)),
    callFailures: [...calls.values()].sort((a, b) => b.recovered + b.final - (a.recovered + a.final) || a.errorClass.localeCompare(b.errorClass)),
    connections,
  };
}

/** What subscribers care about changing; equal fingerprints mean nothing worth a push. */
export function healthFingerprint(r: HealthReport): string {
  return JSON.stringify([r.status, r.successRate, r.quarantineSize, r.errorsByClass, r.connections.map((c) => [c.facts.id, c.status, c.facts.circuit, c.successRate, c.facts.lastSuccessfulSyncAt?.getTime() ?? null, c.facts.apiUsed])]);
}
