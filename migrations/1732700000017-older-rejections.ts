import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A change that lost to a later one from another connection (OLDER) is kept with the other
 * refused changes: visible in provenance, and the CRM that sent it is written back once, so
 * second-precision vendor stamps (Dataverse) cannot leave two CRMs disagreeing in silence.
 */
export class OlderRejections1732700000017 implements MigrationInterface {
  name = 'OlderRejections1732700000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rejected_changes DROP CONSTRAINT IF EXISTS rejected_changes_reason_check`);
    await q.query(`ALTER TABLE rejected_changes ADD CONSTRAINT rejected_changes_reason_check CHECK (reason IN ('VERIFIED','OWNED_ELSEWHERE','OLDER'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM rejected_changes WHERE reason = 'OLDER'`);
    await q.query(`ALTER TABLE rejected_changes DROP CONSTRAINT IF EXISTS rejected_changes_reason_check`);
    await q.query(`ALTER TABLE rejected_changes ADD CONSTRAINT rejected_changes_reason_check CHECK (reason IN ('VERIFIED','OWNED_ELSEWHERE'))`);
  }
}
