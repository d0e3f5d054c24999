import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audits become jobs with a history: each `runAudit` (or the quarterly schedule) is a row,
 * queued, run by whichever instance's worker takes its pg-boss job, and kept with its report
 * (the JSON the downloads and the comparison with the next audit read).
 *
 * One audit at a time: at most one row is QUEUED or RUNNING (a unique index on a constant
 * under that condition), so a second request finds the live one instead of starting another.
 * `scheduled_for` is the schedule slot a scheduled audit answers; unique, so however many
 * instances notice the slot, one audit is queued for it. A worker beats `heartbeat_at` while
 * it runs the audit; a RUNNING row whose beat stopped is failed as interrupted.
 *
 * `requested_by` carries no foreign key: a TRUNCATE … CASCADE of api_keys (test resets) must
 * not take the history with it, and a revoked key still names who asked.
 */
export class AuditReports1732700000031 implements MigrationInterface {
  name = 'AuditReports1732700000031';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED')),
      trigger text NOT NULL CHECK (trigger IN ('API','SCHEDULE','CLI')),
      requested_by uuid,
      scheduled_for timestamptz UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz,
      previous_id uuid REFERENCES audit_reports(id) ON DELETE SET NULL,
      report jsonb,
      error text
    )`);
    await q.query(`CREATE UNIQUE INDEX audit_reports_one_live ON audit_reports ((true)) WHERE status IN ('QUEUED','RUNNING')`);
    await q.query(`CREATE INDEX audit_reports_newest ON audit_reports (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_reports`);
  }
}
