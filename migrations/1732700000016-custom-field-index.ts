import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * UNIQUE rules on custom fields (`custom.badge`) ask "does another contact hold this value?"
 * for every record synced; a GIN index on the `custom` jsonb answers the containment test
 * (`custom @> '{"badge": "…"}'`) without reading every contact.
 */
export class CustomFieldIndex1732700000016 implements MigrationInterface {
  name = 'CustomFieldIndex1732700000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS contacts_custom_gin ON contacts USING gin (custom jsonb_path_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS contacts_custom_gin`);
  }
}
