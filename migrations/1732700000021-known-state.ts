import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Junction writes into a CRM (issue 13 item 7):
 * - `source_links.known_state`: the vendor fields Junction last read from or wrote to the
 *   linked record (nulls left out), so a write carries only what changed since. NULL for links
 *   made before it existed: their next write is a whole record, as before, and their next
 *   read fills it.
 * - `connections.org_features`: whether the CRM org has each setting that changes what Junction
 *   writes (`statePicklists`: Salesforce state and country picklists, so codes go to
 *   `MailingStateCode`…), as its describes showed; a feature not listed is not known yet.
 */
export class KnownState1732700000021 implements MigrationInterface {
  name = 'KnownState1732700000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE source_links ADD COLUMN known_state jsonb`);
    await q.query(`ALTER TABLE connections ADD COLUMN org_features jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS org_features`);
    await q.query(`ALTER TABLE source_links DROP COLUMN IF EXISTS known_state`);
  }
}
