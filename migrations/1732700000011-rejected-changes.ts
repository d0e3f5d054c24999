import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Changes a sync refused because a field is verified by a person or owned by another
 * connection (SPEC §3): kept, per record, field and source connection (the latest refused
 * value), so a refusal is visible in the field's provenance instead of silently lost.
 */
export class RejectedChanges1732700000011 implements MigrationInterface {
  name = 'RejectedChanges1732700000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rejected_changes (
        record_id uuid NOT NULL,
        field text NOT NULL,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        value jsonb,
        reason text NOT NULL CHECK (reason IN ('VERIFIED','OWNED_ELSEWHERE')),
        changed_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (record_id, field, connection_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rejected_changes`);
  }
}
