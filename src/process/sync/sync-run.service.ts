/** Sync-run commands and lookups: what the API triggers and reads. */
import type { DataSource } from 'typeorm';
import type { EventBus } from '../events';
import { TOPICS } from '../events';
import { SyncRunEntity, type SyncMode } from '../store/entities';

export class SyncRunService {
  constructor(
    private db: DataSource,
    private events: EventBus,
  ) {}

  /**
   * Queues a run. One active run per connection (a unique index): when one is already
   * queued or running, that run is returned instead of a second one.
   */
  async trigger(connectionId: string, mode: SyncMode, dryRun = false): Promise<{ run: SyncRunEntity; alreadyActive: boolean }> {
    const inserted = (await this.db.query(
      `INSERT INTO sync_runs (connection_id, mode, status, dry_run) VALUES ($1, $2, 'QUEUED', $3)
       ON CONFLICT (connection_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING RETURNING id`,
      [connectionId, mode, dryRun],
    )) as Array<{ id: string }>;
    const repo = this.db.getRepository(SyncRunEntity);
    if (inserted[0]) {
      const run = await repo.findOneByOrFail({ id: inserted[0].id });
      this.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
      return { run, alreadyActive: false };
    }
    const active = await repo.findOneOrFail({ where: [{ connectionId, status: 'QUEUED' }, { connectionId, status: 'RUNNING' }] });
    return { run: active, alreadyActive: true };
  }

  get(id: string): Promise<SyncRunEntity | null> {
    return this.db.getRepository(SyncRunEntity).findOneBy({ id });
  }
}
