/** Sync-run commands and lookups: what the API triggers and reads. */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventBus } from '../events';
import { TOPICS } from '../events';
import { RunQueue } from '../jobs/run-queue';
import { SyncRunEntity, type SyncMode } from '../store/entities';

export class SyncRunService {
  constructor(
    private db: DataSource,
    private events: EventBus,
    /** The pg-boss queue runs go through. @default the DataSource's shared queue */
    readonly queue: RunQueue = RunQueue.for(db),
  ) {}

  /**
   * Queues a run: its `sync_runs` row and the pg-boss job that carries it, in one transaction.
   * One active run per connection (a unique index): when one is already queued or running,
   * that run is returned instead of a second one, and no job is queued.
   */
  async trigger(connectionId: string, mode: SyncMode, dryRun = false): Promise<{ run: SyncRunEntity; alreadyActive: boolean }> {
    await this.queue.ready();
    const runId = await this.db.transaction(async (manager) => {
      const jobId = randomUUID();
      const inserted = (await manager.query(
        `INSERT INTO sync_runs (connection_id, mode, status, dry_run, job_id) VALUES ($1, $2, 'QUEUED', $3, $4)
         ON CONFLICT (connection_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING RETURNING id`,
        [connectionId, mode, dryRun, jobId],
      )) as Array<{ id: string }>;
      if (!inserted[0]) return undefined;
      await this.queue.enqueue(manager, { runId: inserted[0].id, connectionId, jobId });
      return inserted[0].id;
    });
    const repo = this.db.getRepository(SyncRunEntity);
    if (runId) {
      this.queue.notifyQueued();
      const run = await repo.findOneByOrFail({ id: runId });
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
