import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert rules become data an operator edits through the API (updateAlertRule): each rule gets
 * an id, an evaluation window, its delivery channels and who changed it last; a rule may be
 * overridden for one connection (a row with connection_id), the global row (connection_id
 * NULL) holding for every other. Seeds the kinds added with it: SYNC_LATENCY (p95 change →
 * target above 5 minutes), QUARANTINE_BACKLOG (pending entries older than 7 days) and the two
 * SUCCESS_RATE bands (below 99 % a warning, below 95 % critical).
 *
 * connection_id and updated_by carry no foreign key on purpose: connections are deleted as
 * tombstones (an override of one is simply never consulted again), and a TRUNCATE … CASCADE
 * of connections or api_keys (test resets) must not take the rules with it.
 */
export class AlertRulesAsData1732700000030 implements MigrationInterface {
  name = 'AlertRulesAsData1732700000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_rules
      ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
      ADD COLUMN connection_id uuid,
      ADD COLUMN window_minutes integer CHECK (window_minutes BETWEEN 1 AND 43200),
      ADD COLUMN channels text[] NOT NULL DEFAULT '{WEBHOOK,SLACK}',
      ADD COLUMN updated_by uuid`);
    await q.query(`ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_pkey, ADD PRIMARY KEY (id)`);
    await q.query(`CREATE UNIQUE INDEX alert_rules_global ON alert_rules (kind) WHERE connection_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX alert_rules_per_connection ON alert_rules (kind, connection_id) WHERE connection_id IS NOT NULL`);
    await q.query(`INSERT INTO alert_rules (kind, threshold, severity, window_minutes) VALUES
        ('SYNC_LATENCY', 5, 'WARNING', 60), ('QUARANTINE_BACKLOG', 7, 'WARNING', NULL),
        ('SUCCESS_RATE_WARNING', 0.99, 'WARNING', 60), ('SUCCESS_RATE_CRITICAL', 0.95, 'CRITICAL', 60)
      ON CONFLICT DO NOTHING`);
    await q.query(`UPDATE alert_rules SET window_minutes = 60 WHERE kind = 'FAILURE_RATE' AND window_minutes IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_rules WHERE connection_id IS NOT NULL OR kind IN ('SYNC_LATENCY','QUARANTINE_BACKLOG','SUCCESS_RATE_WARNING','SUCCESS_RATE_CRITICAL')`);
    await q.query(`DROP INDEX IF EXISTS alert_rules_per_connection`);
    await q.query(`DROP INDEX IF EXISTS alert_rules_global`);
    await q.query(`ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_pkey, ADD PRIMARY KEY (kind)`);
    await q.query(`ALTER TABLE alert_rules DROP COLUMN updated_by, DROP COLUMN channels, DROP COLUMN window_minutes, DROP COLUMN connection_id, DROP COLUMN id`);
  }
}
