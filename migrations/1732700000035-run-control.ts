import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs an operator can follow and stop (issue 17 item 6): a run may end CANCELLED; an
 * operator's cancel is `cancel_requested_at`, which the engine running it (on any instance)
 * reads at each page and heartbeat; `records_total` is what the vendor says the run's reads
 * hold, where it says. Each run's bounded step log is one row of `sync_run_logs`, kept apart
 * from `sync_runs` so listings and health windows never carry it.
 */
export class RunControl1732700000035 implements MigrationInterface {
  name = 'RunControl1732700000035';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP CONSTRAINT IF EXISTS sync_runs_status_check`);
    await q.query(`ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','PARTIAL','FAILED','INTERRUPTED','CANCELLED'))`);
    await q.query(`ALTER TABLE sync_runs ADD COLUMN cancel_requested_at timestamptz, ADD COLUMN records_total integer`);
    await q.query(`
      CREATE TABLE sync_run_logs (
        run_id uuid PRIMARY KEY REFERENCES sync_runs(id) ON DELETE CASCADE,
        entries jsonb NOT NULL DEFAULT '[]'::jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS sync_run_logs`);
    await q.query(`ALTER TABLE sync_runs DROP COLUMN IF EXISTS cancel_requested_at, DROP COLUMN IF EXISTS records_total`);
    await q.query(`UPDATE sync_runs SET status = 'INTERRUPTED' WHERE status = 'CANCELLED'`);
    await q.query(`ALTER TABLE sync_runs DROP CONSTRAINT IF EXISTS sync_runs_status_check`);
    await q.query(`ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','PARTIAL','FAILED','INTERRUPTED'))`);
  }
}
