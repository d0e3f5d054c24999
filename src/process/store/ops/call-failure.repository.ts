/**
 * Failed CRM calls as counted (table call_failures): per minute, connection, error class,
 * outcome (recovered by a retry, or final) and run. Tallies are added set-based, one
 * statement for everything a process gathered since its last write (health/call-failure-tally.ts);
 * the reads serve health (a window) and /metrics (totals since the table began).
 */
import type { Queryable } from '../queryable';

export interface CallFailureTallyRow {
  /** Start of the minute the failures were seen in. */
  bucketAt: Date;
  connectionId: string;
  errorClass: string;
  recovered: boolean;
  /** The sync run the calls were made for; null outside a run (a webhook, a test, a schema check). */
  runId: string | null;
  calls: number;
}

/** Failed calls of one class: how many a retry absorbed and how many failed for good. */
export interface CallFailureCount {
  errorClass: string;
  recovered: number;
  final: number;
}

/** Adds the tallies to their rows; tallies of a connection that no longer exists are dropped. */
export async function addCallFailures(db: Queryable, rows: readonly CallFailureTallyRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO call_failures (bucket_at, connection_id, error_class, recovered, run_id, calls)
     SELECT x.bucket_at, x.connection_id, x.error_class, x.recovered, x.run_id, x.calls
     FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::boolean[], $5::uuid[], $6::int[]) AS x(bucket_at, connection_id, error_class, recovered, run_id, calls)
     WHERE EXISTS (SELECT 1 FROM connections c WHERE c.id = x.connection_id)
     ON CONFLICT ON CONSTRAINT call_failures_key DO UPDATE SET calls = call_failures.calls + EXCLUDED.calls`,
    [
      rows.map((r) => r.bucketAt),
      rows.map((r) => r.connectionId),
      rows.map((r) => r.errorClass),
      rows.map((r) => r.recovered),
      rows.map((r) => r.runId),
      rows.map((r) => r.calls),
    ],
  );
}

/**
 * Per connection, failed calls whose minute overlaps the window (since, now]: counts are kept
 * by the minute, so a window's edges are as sharp as a minute.
 */
export async function readCallFailuresByConnection(db: Queryable, since: Date, now: Date): Promise<Map<string, CallFailureCount[]>> {
  const rows = (await db.query(
    `SELECT connection_id, error_class, sum(calls) FILTER (WHERE recovered)::int AS recovered, sum(calls) FILTER (WHERE NOT recovered)::int AS final
     FROM call_failures WHERE bucket_at > $1::timestamptz - interval '1 minute' AND bucket_at <= $2
     GROUP BY 1, 2 ORDER BY 1, sum(calls) DESC, 2`,
    [since, now],
  )) as Array<{ connection_id: string; error_class: string; recovered: number | null; final: number | null }>;
  const byConnection = new Map<string, CallFailureCount[]>();
  for (const r of rows) {
    const list = byConnection.get(r.connection_id) ?? [];
    list.push({ errorClass: r.error_class, recovered: r.recovered ?? 0, final: r.final ?? 0 });
    byConnection.set(r.connection_id, list);
  }
  return byConnection;
}

/** Every failed call counted so far, per connection name, class and outcome (a Prometheus counter). */
export async function readCallFailureTotals(db: Queryable): Promise<Array<{ connection: string; errorClass: string; recovered: boolean; calls: number }>> {
  const rows = (await db.query(
    `SELECT c.name AS connection, f.error_class, f.recovered, sum(f.calls)::int AS calls
     FROM call_failures f JOIN connections c ON c.id = f.connection_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  )) as Array<{ connection: string; error_class: string; recovered: boolean; calls: number }>;
  return rows.map((r) => ({ connection: r.connection, errorClass: r.error_class, recovered: r.recovered, calls: r.calls }));
}
