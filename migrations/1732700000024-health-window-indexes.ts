import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the health views scan by time: runs by `finished_at` (healthSeries, health, the
 * series' first-run look-up) and deliveries by `delivered_at` (the latency percentiles).
 * Without them every health read was a sequential scan of both tables, once per bucket
 * before healthSeries became one pass. Partial, so rows the views never read (dry runs,
 * pending deliveries, deliveries with no source time) cost no index upkeep.
 */
export class HealthWindowIndexes1732700000024 implements MigrationInterface {
  name = 'HealthWindowIndexes1732700000024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX sync_runs_finished ON sync_runs (finished_at) WHERE NOT dry_run AND finished_at IS NOT NULL`);
    await q.query(`CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL AND source_changed_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS outbox_delivered`);
    await q.query(`DROP INDEX IF EXISTS sync_runs_finished`);
  }
}
