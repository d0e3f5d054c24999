import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What stops a connection's sync until someone acts (src/process/sync/run-gate.ts): one row
 * per blocked connection — the cause the test-batch gate found, why, and the records it
 * concerns. The SYNC_BLOCKED alert is raised while a row exists; a later run that passes the
 * gate deletes it. The alert's rule is seeded beside the others (alert_rules has no CHECK on
 * its kind; the row makes the rule listable and editable like the rest).
 */
export class SyncBlocks1732700000022 implements MigrationInterface {
  name = 'SyncBlocks1732700000022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_blocks (
        connection_id uuid PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        run_id uuid REFERENCES sync_runs(id) ON DELETE SET NULL,
        cause text NOT NULL CHECK (cause IN ('ACCESS','MAPPING','QUARANTINE','WRITES')),
        reason text NOT NULL,
        records jsonb NOT NULL DEFAULT '[]'::jsonb,
        blocked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO alert_rules (kind, threshold, severity) VALUES ('SYNC_BLOCKED', 0, 'CRITICAL') ON CONFLICT (kind) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_rules WHERE kind = 'SYNC_BLOCKED'`);
    await q.query(`DROP TABLE IF EXISTS sync_blocks`);
  }
}
