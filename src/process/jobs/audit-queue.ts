/**
 * The audit queue: one pg-boss job per queued audit (the `audit_reports` row it runs, whose id
 * is also the job's), on the run queue's pg-boss. Any instance with a worker takes it. The
 * queue's `singleton` policy keeps one audit job active at a time across instances, beside
 * the store's own one-live-audit index.
 */
import { EventEmitter } from 'node:events';
import type PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { inTransaction } from '../store/runs/job-queue.repository';
import type { RunQueue } from './run-queue';

export const AUDIT_QUEUE = 'audit';

/** A dead worker's audit is failed by the heartbeat check within a minute; expiry is the last resort. */
const EXPIRE_SECONDS = 23 * 3600;

export class AuditQueue {
  private created: Promise<PgBoss> | undefined;
  private wakeups = new EventEmitter();

  constructor(private runs: Pick<RunQueue, 'ready'>) {}

  /** pg-boss started and the audit queue created; call before a transaction that queues (the embedded store has one session). */
  ready(): Promise<PgBoss> {
    this.created ??= this.create().catch((err: unknown) => {
      this.created = undefined;
      throw err;
    });
    return this.created;
  }

  private async create(): Promise<PgBoss> {
    const boss = await this.runs.ready();
    await boss.createQueue(AUDIT_QUEUE, { name: AUDIT_QUEUE, policy: 'singleton', retryLimit: 0, expireInSeconds: EXPIRE_SECONDS });
    return boss;
  }

  /** Queues the job of an audit row inside the caller's transaction: the row and its job exist together or not at all. */
  async enqueue(manager: EntityManager, auditId: string): Promise<void> {
    const boss = await this.ready();
    const id = await boss.send(AUDIT_QUEUE, { auditId }, { id: auditId, retryLimit: 0, db: inTransaction(manager) });
    if (!id) throw new Error(`pg-boss refused the job of audit ${auditId}`);
  }

  /** Wakes this process's audit worker, if any (after the caller committed). */
  notifyQueued(): void {
    this.wakeups.emit('queued');
  }

  onQueued(listener: () => void): () => void {
    this.wakeups.on('queued', listener);
    return () => this.wakeups.off('queued', listener);
  }

  /** The id of the next due audit, now this instance's to run and settle. */
  async fetch(): Promise<string | undefined> {
    const [job] = await (await this.ready()).fetch<{ auditId: string }>(AUDIT_QUEUE);
    return job?.data.auditId;
  }

  async complete(auditId: string): Promise<void> {
    await (await this.ready()).complete(AUDIT_QUEUE, auditId);
  }

  /** Settles audit jobs for good (failed, no retry); ids whose job is no longer active are ignored. */
  async fail(auditIds: string[], reason: string): Promise<void> {
    const boss = await this.ready();
    for (const id of auditIds) await boss.fail(AUDIT_QUEUE, id, { reason });
  }
}
