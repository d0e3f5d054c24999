/**
 * Alert rule settings as stored (table alert_rules): one global row per kind, and at most one
 * override per kind and connection. Kinds are stored as text; the alert service keeps the
 * ones it knows.
 */
import { returnedRows, type Queryable } from '../queryable';

export interface StoredAlertRule {
  id: string;
  kind: string;
  /** Null: the global rule; otherwise this connection's override of it. */
  connectionId: string | null;
  enabled: boolean;
  threshold: number;
  severity: string;
  windowMinutes: number | null;
  channels: string[];
  updatedAt: Date;
  /** The API key that last changed the rule; null for the seeded settings. */
  updatedBy: string | null;
}

export type AlertRuleSettings = Pick<StoredAlertRule, 'enabled' | 'threshold' | 'severity' | 'windowMinutes' | 'channels'>;

interface Row { id: string; kind: string; connection_id: string | null; enabled: boolean; threshold: number; severity: string; window_minutes: number | null; channels: string[]; updated_at: Date; updated_by: string | null }
const toRule = (r: Row): StoredAlertRule => ({
  id: r.id,
  kind: r.kind,
  connectionId: r.connection_id,
  enabled: r.enabled,
  threshold: Number(r.threshold),
  severity: r.severity,
  windowMinutes: r.window_minutes,
  channels: r.channels,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** Global rules first (by kind), then each live connection's overrides (a deleted one's are never consulted again). */
export async function loadAlertRules(db: Queryable, connectionId?: string | null): Promise<StoredAlertRule[]> {
  const rows = (await db.query(
    `SELECT r.* FROM alert_rules r
     WHERE ($1::uuid IS NULL OR r.connection_id IS NULL OR r.connection_id = $1::uuid)
       AND (r.connection_id IS NULL OR EXISTS (SELECT 1 FROM connections c WHERE c.id = r.connection_id AND c.deleted_at IS NULL))
     ORDER BY r.connection_id NULLS FIRST, r.kind`,
    [connectionId ?? null],
  )) as Row[];
  return rows.map(toRule);
}

/** Any text is a valid question: an id that is no uuid finds nothing. */
export async function alertRuleById(db: Queryable, id: string): Promise<StoredAlertRule | null> {
  const rows = (await db.query(`SELECT * FROM alert_rules WHERE id::text = $1`, [id])) as Row[];
  return rows[0] ? toRule(rows[0]) : null;
}

export async function updateAlertRule(db: Queryable, id: string, s: AlertRuleSettings, by: string | null): Promise<StoredAlertRule | null> {
  const rows = returnedRows<Row>(
    await db.query(
      `UPDATE alert_rules SET enabled = $2, threshold = $3, severity = $4, window_minutes = $5, channels = $6, updated_by = $7, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, s.enabled, s.threshold, s.severity, s.windowMinutes, s.channels, by],
    ),
  );
  return rows[0] ? toRule(rows[0]) : null;
}

/** Creates or replaces the connection's override of a kind. */
export async function upsertAlertRuleOverride(db: Queryable, kind: string, connectionId: string, s: AlertRuleSettings, by: string | null): Promise<StoredAlertRule> {
  const rows = (await db.query(
    `INSERT INTO alert_rules (kind, connection_id, enabled, threshold, severity, window_minutes, channels, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (kind, connection_id) WHERE connection_id IS NOT NULL
     DO UPDATE SET enabled = $3, threshold = $4, severity = $5, window_minutes = $6, channels = $7, updated_by = $8, updated_at = now()
     RETURNING *`,
    [kind, connectionId, s.enabled, s.threshold, s.severity, s.windowMinutes, s.channels, by],
  )) as Row[];
  return toRule(rows[0]!);
}

/** Deletes a connection's override (the global rule holds for it again); global rules are never deleted. */
export async function deleteAlertRuleOverride(db: Queryable, id: string): Promise<boolean> {
  const rows = returnedRows<Row>(await db.query(`DELETE FROM alert_rules WHERE id::text = $1 AND connection_id IS NOT NULL RETURNING *`, [id]));
  return rows.length > 0;
}
