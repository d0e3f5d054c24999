import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops contacts_last_name_lower, an index no query can use and every contact write maintains.
 * It served the first fuzzy-duplicate blocking (by surname); the block is read through
 * contacts_fuzzy_block since migration 018, and the contacts search matches
 * `lower(last_name) LIKE '%…%'`, which a btree cannot answer. Its only reader left was a bad
 * plan: on stale statistics the planner scanned it whole for its `merged_into IS NULL`
 * predicate to read fuzzy blocks (BENCHMARKS.md, issue 20).
 */
export class DropLastNameIndex1732700000045 implements MigrationInterface {
  name = 'DropLastNameIndex1732700000045';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS contacts_last_name_lower`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS contacts_last_name_lower ON contacts (lower(last_name)) WHERE merged_into IS NULL`);
  }
}
