import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert rule settings: one row per rule kind with its threshold, severity and switch,
 * seeded with the field defaults (src/process/alerts/alert-rules.ts). The alerts table
 * itself comes with the initial schema.
 */
export class AlertRules1732700000004 implements MigrationInterface {
  name = 'AlertRules1732700000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_rules (
        kind text PRIMARY KEY,
        enabled boolean NOT NULL DEFAULT true,
        threshold double precision NOT NULL,
        severity text NOT NULL CHECK (severity IN ('INFO','WARNING','CRITICAL')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO alert_rules (kind, threshold, severity) VALUES
        ('FAILURE_RATE', 0.01, 'CRITICAL'), ('NO_RECENT_SYNC', 30, 'CRITICAL'),
        ('TOKEN_EXPIRING_7D', 7, 'WARNING'), ('TOKEN_EXPIRING_1D', 1, 'CRITICAL'),
        ('API_USAGE', 0.6, 'WARNING'), ('CIRCUIT_OPEN', 0, 'CRITICAL'), ('SCHEMA_DRIFT', 24, 'WARNING')`);
    await q.query(`CREATE INDEX alerts_raised ON alerts (raised_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS alerts_raised`);
    await q.query(`DROP TABLE IF EXISTS alert_rules`);
  }
}
