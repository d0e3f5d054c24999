import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed authentications, persisted so the audit's access section ("failed
 * authentications in the last 24 h") sees every instance and survives restarts. Holds the
 * visible key prefix at most — never key material.
 */
export class AuthFailures1732700000005 implements MigrationInterface {
  name = 'AuthFailures1732700000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_failures (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        reason text NOT NULL CHECK (reason IN ('MISSING','MALFORMED','UNKNOWN_KEY','FORBIDDEN_ROLE','THROTTLED')),
        transport text NOT NULL CHECK (transport IN ('http','ws')),
        key_prefix text,
        source_address text
      )`);
    await q.query(`CREATE INDEX auth_failures_at_idx ON auth_failures (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_failures`);
  }
}
