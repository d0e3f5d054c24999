import type { DataSource } from 'typeorm';

/**
 * validation_rules is reference data (not reset between test files): a test that adds or
 * disables rules puts the seeded defaults back, so other files see SPEC §3's rules only.
 */
export async function restoreDefaultRules(ds: DataSource): Promise<void> {
  await ds.query(`DELETE FROM validation_rules WHERE (record_kind, field, rule) NOT IN (
    ('CONTACT','email','REQUIRED'), ('CONTACT','email','FORMAT'), ('CONTACT','lastName','REQUIRED'), ('CONTACT','phone','FORMAT'),
    ('CONTACT','postalCode','FORMAT'), ('CONTACT','state','CONSISTENCY'), ('CONTACT','email','BUSINESS_EMAIL'), ('COMPANY','name','REQUIRED'), ('COMPANY','domain','FORMAT'))`);
  await ds.query(`UPDATE validation_rules SET enabled = true, updated_at = clock_timestamp() WHERE NOT enabled`);
}
