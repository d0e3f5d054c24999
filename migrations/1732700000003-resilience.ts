import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resilience: when an open circuit lets its next probe through, until when a paused
 * connection stays paused (a spent daily quota resumes by itself at the vendor's reset),
 * and which attempt a sync run is, with the time before which it may not start.
 */
export class Resilience1732700000003 implements MigrationInterface {
  name = 'Resilience1732700000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN IF NOT EXISTS circuit_retry_at timestamptz, ADD COLUMN IF NOT EXISTS paused_until timestamptz`);
    // A run that failed for a transient reason is queued again as attempt n+1, not before its back-off.
    await q.query(`ALTER TABLE sync_runs ADD COLUMN IF NOT EXISTS attempt integer NOT NULL DEFAULT 1, ADD COLUMN IF NOT EXISTS not_before timestamptz`);
    await q.query(`CREATE INDEX IF NOT EXISTS sync_errors_class_seen ON sync_errors (error_class, last_seen_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS sync_errors_class_seen`);
    await q.query(`ALTER TABLE sync_runs DROP COLUMN IF EXISTS attempt, DROP COLUMN IF EXISTS not_before`);
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS circuit_retry_at, DROP COLUMN IF EXISTS paused_until`);
  }
}
