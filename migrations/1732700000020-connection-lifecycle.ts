import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connections that can be managed and that never go silent (issue 13 items 5–6):
 * - UNKNOWN, the status of a connection nothing has proven yet (the new default);
 * - `credentials_refused_at`: when the CRM last refused the connection's credentials (the
 *   CREDENTIALS alert), cleared when a token is issued again;
 * - `deleted_at`: a deleted connection stays as a tombstone, so the records' provenance and
 *   source links still name it; its name is free again (the unique name covers live ones);
 * - `source_links.detached_at`: a deleted connection's links, kept as history, never used.
 * Connections paused without an end because their credentials were refused (the old
 * behaviour) become FAILING with the refusal recorded: only a person pauses without an end.
 */
export class ConnectionLifecycle1732700000020 implements MigrationInterface {
  name = 'ConnectionLifecycle1732700000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_status_check`);
    await q.query(`ALTER TABLE connections ADD CONSTRAINT connections_status_check CHECK (status IN ('UNKNOWN','HEALTHY','DEGRADED','FAILING','PAUSED'))`);
    await q.query(`ALTER TABLE connections ALTER COLUMN status SET DEFAULT 'UNKNOWN'`);
    await q.query(`ALTER TABLE connections ADD COLUMN IF NOT EXISTS credentials_refused_at timestamptz, ADD COLUMN IF NOT EXISTS deleted_at timestamptz`);
    await q.query(`ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_name_key`);
    await q.query(`CREATE UNIQUE INDEX connections_live_name ON connections (name) WHERE deleted_at IS NULL`);
    await q.query(`ALTER TABLE source_links ADD COLUMN IF NOT EXISTS detached_at timestamptz`);
    await q.query(`
      UPDATE connections SET status = 'FAILING', credentials_refused_at = updated_at
      WHERE status = 'PAUSED' AND paused_until IS NULL AND status_reason LIKE 'the CRM refused%'`);
    await q.query(`INSERT INTO alert_rules (kind, threshold, severity) VALUES ('CREDENTIALS', 0, 'CRITICAL') ON CONFLICT (kind) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_rules WHERE kind = 'CREDENTIALS'`);
    await q.query(`ALTER TABLE source_links DROP COLUMN IF EXISTS detached_at`);
    await q.query(`DROP INDEX IF EXISTS connections_live_name`);
    await q.query(`DELETE FROM connections WHERE deleted_at IS NOT NULL`);
    await q.query(`ALTER TABLE connections ADD CONSTRAINT connections_name_key UNIQUE (name)`);
    await q.query(`UPDATE connections SET status = 'HEALTHY' WHERE status = 'UNKNOWN'`);
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS credentials_refused_at, DROP COLUMN IF EXISTS deleted_at`);
    await q.query(`ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_status_check`);
    await q.query(`ALTER TABLE connections ADD CONSTRAINT connections_status_check CHECK (status IN ('HEALTHY','DEGRADED','FAILING','PAUSED'))`);
    await q.query(`ALTER TABLE connections ALTER COLUMN status SET DEFAULT 'HEALTHY'`);
  }
}
