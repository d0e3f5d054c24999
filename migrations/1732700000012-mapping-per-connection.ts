import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-connection mapping state: which mapped vendor fields the CRM's describe no longer
 * lists (schema drift, by remote type), and the mapping version whose test batch last passed
 * (a full run for any other version runs a test batch first).
 */
export class MappingPerConnection1732700000012 implements MigrationInterface {
  name = 'MappingPerConnection1732700000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN schema_drift jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE connections ADD COLUMN tested_mapping_version text`);
    await q.query(`ALTER TABLE connections ADD COLUMN test_batch_passed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS test_batch_passed_at`);
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS tested_mapping_version`);
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS schema_drift`);
  }
}
