import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consents in progress (issue 16): one row per startConnect until its callback arrives (single
 * use) or it expires (10 minutes). The state is kept as its SHA-256 only; the PKCE verifier and
 * the client secret are sealed like connection credentials. A revoked key's rows go with it.
 */
export class PendingConsents1732700000041 implements MigrationInterface {
  name = 'PendingConsents1732700000041';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pending_consents (
        state_hash text PRIMARY KEY,
        api_key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        kind text NOT NULL,
        name text NOT NULL,
        base_url text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        secrets_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX pending_consents_expires_at ON pending_consents (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pending_consents`);
  }
}
