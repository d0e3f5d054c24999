/**
 * The facts health and alerting are computed from, read in five aggregate statements over a
 * window (since, now] — `now` a parameter, so tests control the clock. The statements are
 * tuned: change them only against a measurement.
 *
 * An INTERRUPTED run (a stop, a crash, a deploy) is no verdict on the connection: the next
 * start resumes it from its checkpoint. It counts neither as finished nor as failed, so a
 * Ctrl-C raises no FAILURE_RATE; a worker that keeps dying is the dead man's switch's to find
 * (NO_RECENT_SYNC). A CANCELLED run (an operator stopped it) is no verdict either.
 */
import type { CircuitState, ConnectionStatus, SyncRunStatus } from '../entities';
import type { Queryable } from '../queryable';
import { readCallFailuresByConnection, type CallFailureCount } from './call-failure.repository';

/** Error code that marks a schema drift (a mapped field vanished or changed type in a CRM). */
export const SCHEMA_DRIFT_CODE = 'SCHEMA_DRIFT';

export interface ConnectionFacts {
  id: string;
  name: string;
  kind: string;
  status: ConnectionStatus;
  circuit: CircuitState;
  enabled: boolean;
  createdAt: Date;
  /** The access token's expiry: refreshed automatically, so shown but not alerted on. */
  tokenExpiresAt: Date | null;
  /** When the refresh token stops working, as the CRM said (token answers, introspection); null when it does not say. */
  refreshTokenExpiresAt: Date | null;
  /**
   * When the credentials themselves stop working (a client secret, refresh token or key
   * with a rotation date), from the connection's `settings.credentialsExpireAt`.
   */
  credentialsExpireAt: Date | null;
  /** When the CRM refused the credentials; null when it has not, or a token was issued since. */
  credentialsRefusedAt: Date | null;
  /** Why the connection's status is what it is (a refusal names its fix). */
  statusReason: string | null;
  lastSuccessfulSyncAt: Date | null;
  apiUsed: number | null;
  apiLimit: number | null;
  lastRunStatus: SyncRunStatus | null;
  runs: { finished: number; succeeded: number; failed: number };
  records: { processed: number; failed: number; quarantined: number };
  latency: { p50Ms: number | null; p95Ms: number | null; deliveries: number };
  /** The error log's occurrences by class: what failed for good, grouped by cause. */
  errorsByClass: Array<{ errorClass: string; count: number }>;
  /** Failed CRM calls by class, those a retry absorbed and those that failed for good. */
  callFailures: CallFailureCount[];
  quarantineSize: number;
  /** When the oldest entry still pending in quarantine arrived; null with none pending. */
  oldestQuarantinedAt: Date | null;
  schemaDriftSeenAt: Date | null;
  /** What stops the connection's sync until someone acts (sync/run-gate.ts), if anything. */
  syncBlock: SyncBlockFact | null;
}

export interface SyncBlockFact {
  cause: string;
  reason: string;
  records: Array<{ type: string; id: string | null; problem: string }>;
  blockedAt: Date;
}

/** Sync latency: p50/p95 of delivered_at − source_changed_at over the window's deliveries. */
export interface Latency {
  p50Ms: number | null;
  p95Ms: number | null;
  deliveries: number;
}

/** An API key that will stop working on its own (createApiKey's expiresAt), not revoked yet. */
export interface ExpiringKeyFact {
  id: string;
  name: string;
  role: string;
  expiresAt: Date;
}

export interface HealthFacts {
  connections: ConnectionFacts[];
  expiringKeys: ExpiringKeyFact[];
  /** Over every connection's deliveries, not an average of averages. */
  latency: Latency;
  /** Pending quarantine rows with no connection (partner upserts). */
  unassignedQuarantine: number;
}

interface ConnectionRow {
  id: string; name: string; kind: string; status: ConnectionStatus; circuit: CircuitState; enabled: boolean; created_at: Date;
  token_expires_at: Date | null; refresh_token_expires_at: Date | null; credentials_expire_at: Date | null; credentials_refused_at: Date | null; status_reason: string | null; last_successful_sync_at: Date | null; api_used: number | null; api_limit: number | null;
  last_status: SyncRunStatus | null; finished: number; succeeded: number; failed: number; processed: number; records_failed: number;
  quarantined: number; quarantine_size: number; quarantine_oldest: Date | null; drift_at: Date | null;
  block: { cause: string; reason: string; records: SyncBlockFact['records']; blocked_at: string } | null;
}

export async function readHealthFacts(db: Queryable, since: Date, now: Date): Promise<HealthFacts> {
  // Independent statements, sent together: a HealthChanged delivery waits for all of them.
  const [rows, latency, errors, [{ n: orphanQuarantine }], callFailures, keys] = (await Promise.all([
    db.query(
    `SELECT c.id, c.name, c.kind, c.status, c.status_reason, c.circuit, c.enabled, c.created_at, c.token_expires_at, c.refresh_token_expires_at, c.credentials_refused_at, c.last_successful_sync_at, c.api_used,
       CASE WHEN jsonb_typeof(c.settings->'credentialsExpireAt') = 'string' AND c.settings->>'credentialsExpireAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            THEN (c.settings->>'credentialsExpireAt')::timestamptz END AS credentials_expire_at, c.api_limit,
       (SELECT status FROM sync_runs s WHERE s.connection_id = c.id AND s.finished_at IS NOT NULL AND NOT s.dry_run AND s.status NOT IN ('INTERRUPTED', 'CANCELLED') AND s.finished_at <= $2
         ORDER BY s.finished_at DESC LIMIT 1) AS last_status,
       r.finished, r.succeeded, r.failed, r.processed, r.records_failed, r.quarantined,
       q.quarantine_size, q.quarantine_oldest,
       (SELECT max(last_seen_at) FROM sync_errors e WHERE e.connection_id = c.id AND e.code = '${SCHEMA_DRIFT_CODE}') AS drift_at,
       (SELECT jsonb_build_object('cause', b.cause, 'reason', b.reason, 'records', b.records, 'blocked_at', b.blocked_at) FROM sync_blocks b WHERE b.connection_id = c.id) AS block
     FROM connections c
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS finished,
              count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
              count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
              coalesce(sum(records_read + records_written), 0)::int AS processed,
              coalesce(sum(records_failed), 0)::int AS records_failed,
              coalesce(sum(records_quarantined), 0)::int AS quarantined
       FROM sync_runs s WHERE s.connection_id = c.id AND NOT s.dry_run AND s.status NOT IN ('INTERRUPTED', 'CANCELLED') AND s.finished_at > $1 AND s.finished_at <= $2
     ) r
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS quarantine_size, min(created_at) AS quarantine_oldest FROM quarantine q WHERE q.connection_id = c.id AND q.status = 'PENDING'
     ) q
     WHERE c.deleted_at IS NULL
     ORDER BY c.name`,
    [since, now],
    ),
    loadLatency(db, since, now),
    db.query(
      `SELECT connection_id, error_class, sum(occurrences)::int AS n FROM sync_errors
       WHERE last_seen_at > $1 AND last_seen_at <= $2 GROUP BY 1, 2 ORDER BY 3 DESC`,
      [since, now],
    ),
    db.query(`SELECT count(*)::int AS n FROM quarantine WHERE status = 'PENDING' AND connection_id IS NULL`),
    readCallFailuresByConnection(db, since, now),
    db.query(`SELECT id, name, role, expires_at FROM api_keys WHERE revoked_at IS NULL AND expires_at IS NOT NULL ORDER BY expires_at`),
  ])) as [
    ConnectionRow[],
    Awaited<ReturnType<typeof loadLatency>>,
    Array<{ connection_id: string | null; error_class: string; n: number }>,
    Array<{ n: number }>,
    Map<string, CallFailureCount[]>,
    Array<{ id: string; name: string; role: string; expires_at: Date }>,
  ];
  const connections = rows.map((r): ConnectionFacts => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    status: r.status,
    circuit: r.circuit,
    enabled: r.enabled,
    createdAt: r.created_at,
    tokenExpiresAt: r.token_expires_at,
    refreshTokenExpiresAt: r.refresh_token_expires_at,
    credentialsExpireAt: r.credentials_expire_at,
    credentialsRefusedAt: r.credentials_refused_at,
    statusReason: r.status_reason,
    lastSuccessfulSyncAt: r.last_successful_sync_at,
    apiUsed: r.api_used,
    apiLimit: r.api_limit,
    lastRunStatus: r.last_status,
    runs: { finished: r.finished, succeeded: r.succeeded, failed: r.failed },
    records: { processed: r.processed, failed: r.records_failed, quarantined: r.quarantined },
    latency: latency.byConnection.get(r.id) ?? { p50Ms: null, p95Ms: null, deliveries: 0 },
    errorsByClass: errors.filter((e) => e.connection_id === r.id).map((e) => ({ errorClass: e.error_class, count: e.n })),
    callFailures: callFailures.get(r.id) ?? [],
    quarantineSize: r.quarantine_size,
    oldestQuarantinedAt: r.quarantine_oldest,
    schemaDriftSeenAt: r.drift_at,
    syncBlock: r.block ? { cause: r.block.cause, reason: r.block.reason, records: r.block.records, blockedAt: new Date(r.block.blocked_at) } : null,
  }));
  const expiringKeys = keys.map((k) => ({ id: k.id, name: k.name, role: k.role, expiresAt: k.expires_at }));
  return { connections, expiringKeys, latency: latency.overall, unassignedQuarantine: orphanQuarantine! };
}

/** p50/p95 of outbox delivered_at − source_changed_at, per target connection and overall. */
async function loadLatency(db: Queryable, since: Date, now: Date): Promise<{ overall: Latency; byConnection: Map<string, Latency> }> {
  const rows = (await db.query(
    `SELECT connection_id, grouping(connection_id) AS total,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95, count(*)::int AS n
     FROM (SELECT connection_id, greatest(0, extract(epoch FROM delivered_at - source_changed_at) * 1000)::float8 AS ms
           FROM outbox WHERE delivered_at > $1 AND delivered_at <= $2 AND source_changed_at IS NOT NULL) d
     GROUP BY GROUPING SETS ((connection_id), ())`,
    [since, now],
  )) as Array<{ connection_id: string | null; total: number; p50: number | null; p95: number | null; n: number }>;
  const toLatency = (r: (typeof rows)[number]): Latency => ({ p50Ms: r.p50 === null ? null : Math.round(r.p50), p95Ms: r.p95 === null ? null : Math.round(r.p95), deliveries: r.n });
  const overallRow = rows.find((r) => Number(r.total) === 1);
  return {
    overall: overallRow ? toLatency(overallRow) : { p50Ms: null, p95Ms: null, deliveries: 0 },
    byConnection: new Map(rows.filter((r) => Number(r.total) === 0 && r.connection_id).map((r) => [r.connection_id!, toLatency(r)])),
  };
}
