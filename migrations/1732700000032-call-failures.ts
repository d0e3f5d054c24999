import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed CRM calls counted by class and outcome (issue 17 item 7): a 429 or 5xx that a retry
 * absorbed is `recovered`, a call that failed for good is not. The error log (sync_errors)
 * groups only what failed for good, so without these counts the rate-limit pressure retries
 * absorb is invisible.
 *
 * One row per minute, connection, class, outcome and run (NULL for calls outside a run):
 * each process adds its tallies set-based (call-failure.repository.ts), so a busy connection
 * writes a few rows a minute, not one per call. The unique key leads with the minute, which
 * is what health's window and the metrics read by. run_id carries no foreign key: a count is
 * written after its run's row and never needs it; the connection's key removes the counts
 * with their connection.
 */
export class CallFailures1732700000032 implements MigrationInterface {
  name = 'CallFailures1732700000032';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE call_failures (
      bucket_at timestamptz NOT NULL,
      connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
      error_class text NOT NULL,
      recovered boolean NOT NULL,
      run_id uuid,
      calls integer NOT NULL CHECK (calls > 0),
      CONSTRAINT call_failures_key UNIQUE NULLS NOT DISTINCT (bucket_at, connection_id, error_class, recovered, run_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS call_failures`);
  }
}
