import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Field mappings as versioned data (issue 17 item 3). Each version of a connection's mapping
 * is a row: its entries (one per unified field per vendor object), who made it (the API key's
 * name, and its id), the operator's note, the diff from the version before, and the outcome of
 * the dry test batch it was tried with (mapping-test-batch.ts). The connection keeps its current version's entries beside its other
 * mapping state (custom fields, schema drift), so every run reads them with the connection at
 * its start; NULL there means version 1, the code's own mappers.
 *
 * No foreign key to api_keys: a revoked or deleted key's versions keep its name.
 */
export class FieldMappingVersions1732700000033 implements MigrationInterface {
  name = 'FieldMappingVersions1732700000033';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE field_mapping_versions (
      connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
      version integer NOT NULL CHECK (version >= 1),
      entries jsonb NOT NULL,
      author text NOT NULL,
      author_key_id uuid,
      note text,
      diff jsonb NOT NULL DEFAULT '[]',
      test_batch jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (connection_id, version))`);
    await q.query(`ALTER TABLE connections ADD COLUMN field_mappings jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN field_mappings`);
    await q.query(`DROP TABLE field_mapping_versions`);
  }
}
