import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data quality (issue 3): the default validation rules of SPEC §3 as editable rows, one per
 * (kind, field, rule); indexes for exact-key matching on phone and LinkedIn URL; and the
 * duplicate candidates the fuzzy matcher proposes.
 */
const DEFAULT_RULES: Array<[string, string, string, Record<string, unknown>]> = [
  ['CONTACT', 'email', 'REQUIRED', {}],
  ['CONTACT', 'email', 'FORMAT', { format: 'email' }],
  ['CONTACT', 'lastName', 'REQUIRED', {}],
  ['CONTACT', 'phone', 'FORMAT', { format: 'phone' }],
  ['CONTACT', 'postalCode', 'FORMAT', { format: 'postalCode', countryField: 'country' }],
  ['CONTACT', 'state', 'CONSISTENCY', { check: 'stateInCountry', countryField: 'country' }],
  ['CONTACT', 'email', 'BUSINESS_EMAIL', { when: 'hasCompany' }],
  ['COMPANY', 'name', 'REQUIRED', {}],
  ['COMPANY', 'domain', 'FORMAT', { format: 'domain' }],
];

export class DataQuality1732700000002 implements MigrationInterface {
  name = 'DataQuality1732700000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE validation_rules ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`ALTER TABLE validation_rules ADD CONSTRAINT validation_rules_kind_check CHECK (record_kind IN ('CONTACT','COMPANY'))`);
    await q.query(`ALTER TABLE validation_rules ADD CONSTRAINT validation_rules_rule_check CHECK (rule IN ('FORMAT','REQUIRED','RANGE','CONSISTENCY','PICKLIST','BUSINESS_EMAIL','UNIQUE'))`);
    await q.query(`CREATE UNIQUE INDEX validation_rules_one ON validation_rules (record_kind, field, rule)`);
    for (const [kind, field, rule, params] of DEFAULT_RULES)
      await q.query(`INSERT INTO validation_rules (record_kind, field, rule, params) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [kind, field, rule, JSON.stringify(params)]);
    await q.query(`CREATE INDEX contacts_phone ON contacts (phone) WHERE merged_into IS NULL AND phone IS NOT NULL`);
    await q.query(`CREATE INDEX contacts_linkedin ON contacts (linkedin_url) WHERE merged_into IS NULL AND linkedin_url IS NOT NULL`);
    // Fuzzy-match blocking compares surnames case-insensitively.
    await q.query(`CREATE INDEX contacts_last_name_lower ON contacts (lower(last_name)) WHERE merged_into IS NULL`);
    await q.query(`ALTER TABLE quarantine ADD COLUMN record_id uuid`);
    await q.query(`
      CREATE TABLE duplicate_candidates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        contact_a uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        contact_b uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        score double precision NOT NULL,
        matched_on text[] NOT NULL,
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','MERGED','DISMISSED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT duplicate_candidates_ordered CHECK (contact_a < contact_b),
        CONSTRAINT duplicate_candidates_pair UNIQUE (contact_a, contact_b)
      )`);
    await q.query(`CREATE INDEX duplicate_candidates_open ON duplicate_candidates (score DESC, id) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS duplicate_candidates`);
    await q.query(`ALTER TABLE quarantine DROP COLUMN IF EXISTS record_id`);
    await q.query(`DROP INDEX IF EXISTS contacts_last_name_lower`);
    await q.query(`DROP INDEX IF EXISTS contacts_linkedin`);
    await q.query(`DROP INDEX IF EXISTS contacts_phone`);
    await q.query(`DROP INDEX IF EXISTS validation_rules_one`);
    await q.query(`ALTER TABLE validation_rules DROP CONSTRAINT IF EXISTS validation_rules_rule_check, DROP CONSTRAINT IF EXISTS validation_rules_kind_check, DROP COLUMN IF EXISTS updated_at`);
    await q.query(`DELETE FROM validation_rules`);
  }
}
