import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A connection's kind is no longer checked against a list written into the schema: the CRM
 * registry (src/system/registry.ts) is the one list, and start-up refuses a stored connection
 * whose kind it does not register (src/process/connections/crm-registry-check.ts).
 */
export class ConnectionKindsFromRegistry1732700000026 implements MigrationInterface {
  name = 'ConnectionKindsFromRegistry1732700000026';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_kind_check`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD CONSTRAINT connections_kind_check CHECK (kind IN ('SALESFORCE','HUBSPOT','DYNAMICS'))`);
  }
}
