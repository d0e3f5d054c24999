import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Seeds the API_KEY_EXPIRING rule: warn 7 days before an API key's expiry (a partner locked out unannounced is an outage). */
export class ApiKeyExpiryAlert1732700000034 implements MigrationInterface {
  name = 'ApiKeyExpiryAlert1732700000034';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`INSERT INTO alert_rules (kind, threshold, severity) VALUES ('API_KEY_EXPIRING', 7, 'WARNING') ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_rules WHERE kind = 'API_KEY_EXPIRING'`);
  }
}
