import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full runs that wait for their connection's sync window (settings.schedule.window): a BULK
 * run triggered outside it is stored SCHEDULED, with `not_before` the window's next opening,
 * and holds no active slot — incremental runs and change notifications keep flowing — until
 * the scheduler queues it then. One waiting full run per connection. The status check also
 * names CANCELLED (runs an operator stopped), whichever of the two migrations runs first.
 */
export class ScheduledFullRuns1732700000036 implements MigrationInterface {
  name = 'ScheduledFullRuns1732700000036';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP CONSTRAINT IF EXISTS sync_runs_status_check`);
    await q.query(`ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
      CHECK (status IN ('SCHEDULED','QUEUED','RUNNING','SUCCEEDED','PARTIAL','FAILED','INTERRUPTED','CANCELLED'))`);
    await q.query(`CREATE UNIQUE INDEX sync_runs_one_scheduled ON sync_runs (connection_id) WHERE status = 'SCHEDULED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS sync_runs_one_scheduled`);
    await q.query(`DELETE FROM sync_runs WHERE status = 'SCHEDULED'`);
  }
}
