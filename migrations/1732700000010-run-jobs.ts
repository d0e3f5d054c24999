import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each sync run names the pg-boss job that carries it, so a run whose worker died can have
 * its job settled (and its next attempt queued) by whichever instance notices.
 */
export class RunJobs1732700000010 implements MigrationInterface {
  name = 'RunJobs1732700000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN job_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN IF EXISTS job_id`);
  }
}
