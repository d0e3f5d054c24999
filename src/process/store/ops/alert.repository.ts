/**
 * Alerts as stored (table alerts; their rules: alert-rule.repository.ts). One active alert per
 * dedupe key (a partial unique index): raising a condition already raised is a no-op, across
 * every instance.
 */
import { returnedRows, type Queryable } from '../queryable';

export interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  connectionId: string | null;
  dedupeKey: string;
  message: string;
  raisedAt: Date;
  resolvedAt: Date | null;
}

export type NewAlert = Pick<AlertRow, 'kind' | 'severity' | 'connectionId' | 'dedupeKey' | 'message'>;

interface Row { id: string; kind: string; severity: string; connection_id: string | null; dedupe_key: string; message: string; raised_at: Date; resolved_at: Date | null }
const toAlert = (r: Row): AlertRow => ({ id: r.id, kind: r.kind, severity: r.severity, connectionId: r.connection_id, dedupeKey: r.dedupe_key, message: r.message, raisedAt: r.raised_at, resolvedAt: r.resolved_at });

/** The alert as raised at `at`, or null when one with its dedupe key is active already. */
export async function raiseAlert(db: Queryable, a: NewAlert, at: Date): Promise<AlertRow | null> {
  const rows = (await db.query(
    `INSERT INTO alerts (kind, severity, connection_id, dedupe_key, message, raised_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (dedupe_key) WHERE resolved_at IS NULL DO NOTHING RETURNING *`,
    [a.kind, a.severity, a.connectionId, a.dedupeKey, a.message, at],
  )) as Row[];
  return rows[0] ? toAlert(rows[0]) : null;
}

/** Resolves, at `at`, every active alert whose dedupe key is not among `keep`; returns them. */
export async function resolveAlertsExcept(db: Queryable, keep: readonly string[], at: Date): Promise<AlertRow[]> {
  const rows = returnedRows<Row>(
    await db.query(`UPDATE alerts SET resolved_at = $1 WHERE resolved_at IS NULL AND NOT (dedupe_key = ANY($2::text[])) RETURNING *`, [at, keep]),
  );
  return rows.map(toAlert);
}

/** Newest first, at most 500: active only when `active` is true, resolved only when false; of the given kinds when there are any. */
export async function listAlerts(db: Queryable, active?: boolean | null, kinds?: readonly string[] | null): Promise<AlertRow[]> {
  const where = ['$1::text[] IS NULL OR kind = ANY($1::text[])'];
  if (active === true) where.push('resolved_at IS NULL');
  if (active === false) where.push('resolved_at IS NOT NULL');
  const rows = (await db.query(`SELECT * FROM alerts WHERE (${where.join(') AND (')}) ORDER BY raised_at DESC, id LIMIT 500`, [kinds?.length ? kinds : null])) as Row[];
  return rows.map(toAlert);
}

/** Any text is a valid question: an id that is no uuid finds nothing. */
export async function alertById(db: Queryable, id: string): Promise<AlertRow | null> {
  const rows = (await db.query(`SELECT * FROM alerts WHERE id::text = $1`, [id])) as Row[];
  return rows[0] ? toAlert(rows[0]) : null;
}

export async function countActiveAlerts(db: Queryable): Promise<number> {
  const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM alerts WHERE resolved_at IS NULL`)) as Array<{ n: number }>;
  return n!;
}
