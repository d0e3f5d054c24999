import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys may carry an expiry (an expired key is refused like a revoked one), and a failed
 * authentication row may stand for several alike ones: repeats of the same failure from the
 * same address are written as one row with their count, so a flood of keyless or throttled
 * requests writes a few rows, not one per request.
 */
export class KeyExpiryAndFailureCounts1732700000025 implements MigrationInterface {
  name = 'KeyExpiryAndFailureCounts1732700000025';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`);
    await q.query(`ALTER TABLE auth_failures ADD COLUMN count integer NOT NULL DEFAULT 1 CHECK (count > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_failures DROP COLUMN IF EXISTS count`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN IF EXISTS expires_at`);
  }
}
