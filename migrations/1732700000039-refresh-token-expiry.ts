import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a connection's refresh token stops working, as its CRM says (Salesforce introspection's
 * `exp`): the TOKEN_EXPIRING alerts watch it beside the operator's settings.credentialsExpireAt.
 * Written only from token answers and introspection; null when the vendor does not say.
 */
export class RefreshTokenExpiry1732700000039 implements MigrationInterface {
  name = 'RefreshTokenExpiry1732700000039';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN IF NOT EXISTS refresh_token_expires_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS refresh_token_expires_at`);
  }
}
