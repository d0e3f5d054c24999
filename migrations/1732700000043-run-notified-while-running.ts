import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A change notification that arrives while a run of its connection is RUNNING may come after
 * that run read the CRM: the run keeps the time of the latest such notification, and when it
 * ends an incremental run follows, so the change is not left for the next scheduled tick.
 */
export class RunNotifiedWhileRunning1732700000043 implements MigrationInterface {
  name = 'RunNotifiedWhileRunning1732700000043';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN IF NOT EXISTS notified_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN IF EXISTS notified_at`);
  }
}
