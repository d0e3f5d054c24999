/**
 * Executes one sync run for one connection: pull every mapped object (incrementally from
 * its cursor, or a bulk export), applying and checkpointing page by page, then deliver the
 * connection's outbox. The run's record is updated as it goes; a run that did not finish is
 * never recorded as SUCCEEDED.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { attemptsOf, SystemError, type ChangePage, type RemoteRecord, type SystemAdapter } from '../../../system';
import { pauseConnection, quotaResumeAt } from '../../connections/connection-pause';
import { recordProven } from '../../connections/connection-status';
import type { ConnectionService } from '../../connections/connection.service';
import { TOPICS, type EventBus } from '../../events';
import { logError } from '../../health/error-log';
import { mappersFor } from '../../mapping/registry';
import type { RecordMapper } from '../../mapping/field-map';
import { SyncRunEntity, type ConnectionEntity, type PlannedChange } from '../../store/entities';
import { clearBulkCheckpoints, forgetBulkCheckpoint, loadBulkStart, saveBulkCheckpoint } from '../inbound/bulk-checkpoint';
import { applyInboundPage, type PageOutcome } from '../inbound/inbound';
import { deliverOutbox } from '../outbound/outbound';
import { HeldReads } from '../inbound/held-reads';
import { gateFullRun, recordPassingTestBatch, testBatchPassed } from './run-gate';
import { forgetDescribes, SchemaWatch } from '../schema-watch/schema-check';
import { RunInterrupted, throwIfInterrupted, untilInterrupted } from './run-interruption';
import { PlannerStatistics } from '../../store/planner-statistics';

const TEST_BATCH_SIZE = 10;
/** Records applied per transaction (see applyPage). */
const TRANSACTION_RECORDS = 1_000;
const HEARTBEAT_MS = 5_000;

export interface SyncEngineDeps {
  db: DataSource;
  connections: ConnectionService;
  events: EventBus;
  workerId: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

interface RunTotals {
  read: number;
  written: number;
  failed: number;
  quarantined: number;
}

interface StopReason {
  message: string;
  /** The daily quota ran out: the run is PARTIAL whatever it managed. */
  quota: boolean;
  /** Junction was stopping (run-interruption.ts): the run is INTERRUPTED and its next attempt goes on. */
  interrupted?: boolean;
}

/** Work committed in the transaction of a page's last slice: where the read stands after that page. */
type Checkpoint = (m: EntityManager) => Promise<void>;
/** What the last slice's transaction commits besides its records, given how many of them it read. */
type SliceCommit = (m: EntityManager, sliceRead: number) => Promise<void>;

/** What one pass over the objects shares: the run's rules, totals and schema watch. */
interface PullPass {
  owners: Map<string, Map<string, string | null>>;
  totals: RunTotals;
  planned: PlannedChange[] | undefined;
  callsBefore: number;
  watch: SchemaWatch;
  held: HeldReads;
  signal: AbortSignal | undefined;
}

/** Thrown inside a dry run's transaction so nothing it did is kept. */
class DryRunRollback extends Error {}

/** The dry run's one transaction, for everything the run does inside it. */
const dryRunScope = new AsyncLocalStorage<EntityManager>();

export class SyncEngine {
  /** Analyzes tables a sync grew past their statistics (planner-statistics.ts). */
  private statistics: PlannerStatistics;

  constructor(private deps: SyncEngineDeps) {
    this.statistics = new PlannerStatistics(deps.db, deps.log);
  }

  /** `signal`: aborted when Junction stops; the run then ends INTERRUPTED at its next page boundary. */
  async execute(runId: string, signal?: AbortSignal): Promise<SyncRunEntity> {
    const { db } = this.deps;
    const run = await db.getRepository(SyncRunEntity).findOneByOrFail({ id: runId });
    const connection = await this.deps.connections.get(run.connectionId);
    if (!connection) return this.finish(run, 'FAILED', { read: 0, written: 0, failed: 0, quarantined: 0 }, 0, 'connection no longer exists');
    const adapter = this.deps.connections.adapterFor(connection);
    const callsBefore = adapter.stats.apiCalls;
    const totals: RunTotals = { read: 0, written: 0, failed: 0, quarantined: 0 };
    const planned: PlannedChange[] | undefined = run.dryRun ? [] : undefined;
    const owners = await this.loadOwners();
    let stopped: StopReason | undefined;
    /** Every object was read: a BULK run's checkpoints go when it ends (bulk-checkpoint.ts). */
    let pulled = false;
    // The test batch's first pages, replayed by the full pass rather than read again (held-reads.ts).
    const held = new HeldReads();
    const watch = new SchemaWatch(db, connection, adapter, run.id);
    // A heartbeat between pages too, so a long vendor call is not mistaken for a dead worker.
    const heartbeat = setInterval(
      () => void db.query(`UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1`, [run.id]).catch(() => undefined),
      HEARTBEAT_MS,
    );
    try {
      // Mapped fields the CRM no longer has are left out (or their object skipped): never nulls.
      // The reads themselves reveal them; a dry run checks up front, as it may not write outside its transaction.
      await (run.dryRun ? watch.describeAll() : watch.start());
      const types = mappersFor(connection).map((m) => m.remoteType);
      const pullOne = (type: string, mode: SyncRunEntity, onto: RunTotals, into?: PlannedChange[]) =>
        this.pullObject(mode, connection, adapter, type, { owners, totals: onto, planned: into, callsBefore, watch, held, signal });
      const gate = await gateFullRun(db, run, connection, { run: () => this.testBatch(run, types, pullOne), unreadable: () => [...watch.blocked] });
      if (!gate.pass) return this.finish(run, 'FAILED', totals, adapter.stats.apiCalls - callsBefore, gate.reason);
      if (run.mode === 'BULK') await held.release();
      const pullAll = async () => {
        for (const [i, type] of types.entries()) {
          await pullOne(type, run, totals, planned);
          await this.progress(run, totals, (i + 1) / (types.length + 1), adapter.stats.apiCalls - callsBefore);
          if (run.mode === 'TEST_BATCH' && totals.read >= TEST_BATCH_SIZE) break;
        }
      };
      await (run.dryRun ? this.rolledBack(pullAll) : pullAll());
      pulled = true;
      // A test batch is its first 10 records, not the connection's whole outbox (see testBatch).
      if (!run.dryRun && run.mode !== 'TEST_BATCH') {
        throwIfInterrupted(signal);
        await watch.beforeWrites(() => this.pendingKinds(connection.id));
        // A gated run's first writes are judged before the rest go out (run-gate.ts).
        const delivered = await deliverOutbox(db, connection, adapter, run.id, { firstWrites: gate.firstWrites, signal });
        totals.written += delivered.written;
        totals.failed += delivered.failed;
        if (delivered.blocked) stopped = { message: delivered.blocked, quota: false };
      }
      if (run.mode === 'TEST_BATCH' && !run.dryRun && testBatchPassed(totals)) await recordPassingTestBatch(db, connection);
    } catch (err) {
      forgetDescribes(connection.id);
      // Stopping is not a failure: nothing to log, classify or pause.
      stopped = err instanceof RunInterrupted ? { message: err.message, quota: false, interrupted: true } : await this.recordFailure(connection, adapter, run, err);
    } finally {
      clearInterval(heartbeat);
      await held.release();
    }
    if (adapter.stats.lastUsage) await this.deps.connections.recordUsage(connection.id, adapter.stats.lastUsage).catch(() => undefined);
    if (planned) run.plannedChanges = planned;
    const drift = watch.errors.map((e) => e.message).join('; ') || undefined;
    // A spent quota ends the run PARTIAL (the rest waits for the reset), never SUCCEEDED.
    // Schema drift leaves the run PARTIAL: mapped fields were skipped (never a retry: a person must act).
    const status = stopped?.interrupted ? 'INTERRUPTED' : stopped ? (stopped.quota || totals.read + totals.written > 0 ? 'PARTIAL' : 'FAILED') : totals.failed > 0 || drift ? 'PARTIAL' : 'SUCCEEDED';
    // Interrupted while delivering, the read's `done` marks stay, so the next attempt goes straight to delivery.
    const readComplete = pulled && run.mode === 'BULK' && !run.dryRun && !stopped?.interrupted;
    return this.finish(run, status, totals, adapter.stats.apiCalls - callsBefore, stopped?.message ?? (drift ? `SCHEMA: ${drift}` : null), readComplete);
  }

  /** The gate's test batch: this run's first 10 records end to end, in TEST_BATCH mode, before its full pass. */
  private async testBatch(run: SyncRunEntity, types: string[], pullOne: (type: string, mode: SyncRunEntity, onto: RunTotals) => Promise<void>): Promise<RunTotals> {
    const probe = Object.assign(new SyncRunEntity(), run, { mode: 'TEST_BATCH', dryRun: false });
    const totals: RunTotals = { read: 0, written: 0, failed: 0, quarantined: 0 };
    for (const type of types) {
      await pullOne(type, probe, totals);
      if (totals.read >= TEST_BATCH_SIZE) break;
    }
    // The outbox is not delivered here: it holds other records (changes from the other CRMs),
    // and before the full pull has linked this CRM's existing records, delivering it creates a
    // second copy of every person the CRM already has (Dataverse) or is refused for them
    // (HubSpot: "Contact already exists"), failing the gate on every attempt. The full pass
    // pulls, then delivers.
    return totals;
  }

  /**
   * One object's read with the mapper the schema allows now. A read the CRM refuses because a
   * mapped field is gone is read again without it, in the same run (schema-check.ts).
   */
  private async pullObject(run: SyncRunEntity, connection: ConnectionEntity, adapter: SystemAdapter, remoteType: string, pass: PullPass): Promise<void> {
    const { watch } = pass;
    const mapper = () => (watch.blocked.has(remoteType) ? undefined : watch.mapperFor(remoteType));
    const first = mapper();
    if (!first) return;
    try {
      await this.pull(run, connection, adapter, first, pass);
    } catch (err) {
      if (!(await watch.explainsReadError(remoteType, err))) throw err;
      const narrower = mapper();
      if (!narrower) return;
      await this.pull(run, connection, adapter, narrower, pass);
    }
    watch.readCompleted(remoteType);
  }

  private async pull(run: SyncRunEntity, connection: ConnectionEntity, adapter: SystemAdapter, mapper: RecordMapper, pass: PullPass): Promise<void> {
    const { owners, totals, planned, callsBefore, watch, held, signal } = pass;
    const ctx = {
      connectionId: connection.id,
      runId: run.id,
      mapper,
      rules: { owners: owners.get(mapper.kind) ?? new Map(), verified: new Set<string>() },
      planned,
      events: this.deps.events,
    };
    const options = { fields: mapper.remoteFields };
    const apply = async (records: RemoteRecord[], checkpoint: Checkpoint) => {
      // A page may show a mapped field gone (schema-check.ts): applied without it, or not at all when the object is blocked.
      if (!(await watch.checkPage(ctx.mapper, records))) return false;
      ctx.mapper = watch.mapperFor(mapper.remoteType) ?? ctx.mapper;
      const batch = run.mode === 'TEST_BATCH' ? records.slice(0, Math.max(0, TEST_BATCH_SIZE - totals.read)) : records;
      const outcome = await this.applyPage(ctx, batch, run.dryRun || run.mode === 'TEST_BATCH' ? undefined : checkpoint, totals.read);
      totals.read += outcome.read;
      totals.quarantined += outcome.quarantined;
      await this.progress(run, totals, run.progress, adapter.stats.apiCalls - callsBefore);
      return run.mode !== 'TEST_BATCH' || totals.read < TEST_BATCH_SIZE;
    };
    if (run.mode === 'BULK') return this.pullBulk(run, connection.id, adapter, mapper, apply, signal);
    const applyPage = (page: ChangePage) =>
      apply(page.records, (m) =>
        m.query(
          `INSERT INTO sync_cursors (connection_id, remote_type, cursor) VALUES ($1, $2, $3)
           ON CONFLICT (connection_id, remote_type) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
          [connection.id, mapper.remoteType, page.cursor],
        ),
      );
    const replay = run.mode === 'TEST_BATCH' ? undefined : held.take(mapper.remoteType);
    const read = replay ?? untilInterrupted(adapter.listChanged(mapper.remoteType, await this.cursor(connection.id, mapper.remoteType), options), signal);
    // The test batch keeps what it read for the full pass; every other pass reads and applies.
    if (run.mode === 'TEST_BATCH') return held.readAndHold(mapper.remoteType, read, applyPage);
    for await (const page of read) if (!(await applyPage(page))) break;
  }

  /**
   * One object's bulk read, continued from the checkpoint an unfinished BULK run of the
   * connection left (bulk-checkpoint.ts): each page commits the adapter's resume token with
   * its records. Dry runs neither use nor leave checkpoints.
   */
  private async pullBulk(
    run: SyncRunEntity,
    connectionId: string,
    adapter: SystemAdapter,
    mapper: RecordMapper,
    apply: (records: RemoteRecord[], checkpoint: Checkpoint) => Promise<boolean>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { db } = this.deps;
    const fields = mapper.remoteFields;
    const start = run.dryRun ? ({ kind: 'FRESH' } as const) : await loadBulkStart(db, connectionId, mapper.remoteType, fields);
    if (start.kind === 'DONE') return;
    /** False when a page stopped the read (its object turned out blocked): the object is not marked read. */
    const read = async (resumeFrom?: string): Promise<boolean> => {
      for await (const page of untilInterrupted(adapter.bulkExport(mapper.remoteType, { fields, resumeFrom }), signal))
        if (!(await apply(page.records, (m) => saveBulkCheckpoint(m, connectionId, mapper.remoteType, fields, page.resume)))) return false;
      return true;
    };
    let whole: boolean;
    if (start.kind === 'RESUME') {
      this.deps.log?.('info', 'bulk read resumes from a checkpoint', { runId: run.id, connectionId, remoteType: mapper.remoteType });
      try {
        whole = await read(start.token);
      } catch (err) {
        // A token the adapter cannot use (another version wrote it) costs a full read, not a run that can never succeed.
        if (!(err instanceof SystemError && err.code === 'INVALID_RESUME_TOKEN')) throw err;
        await forgetBulkCheckpoint(db, connectionId, mapper.remoteType);
        whole = await read();
      }
    } else whole = await read();
    // An export whose last page came empty has not marked the object read yet.
    if (whole && !run.dryRun) await saveBulkCheckpoint(db, connectionId, mapper.remoteType, fields, undefined);
  }

  /**
   * A dry run pulls everything in one transaction that is rolled back at the end, so a later
   * page sees what an earlier one would have done (a person entered twice a page apart is
   * planned once, as the real run treats it) and nothing is kept.
   */
  private async rolledBack(work: () => Promise<void>): Promise<void> {
    try {
      await this.deps.db.transaction(async (m) => {
        await dryRunScope.run(m, work);
        throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
  }

  /**
   * One page, one transaction per slice of at most TRANSACTION_RECORDS: the checkpoint (cursor
   * or bulk resume token) and the run's records_read commit with the last slice, so a crash
   * between slices re-reads the page and the content hashes skip what was applied, and a run
   * cut short counts exactly the pages its checkpoint covers. Small transactions keep locks
   * and memory bounded on a 10,000-row bulk page.
   */
  private async applyPage(
    ctx: Parameters<typeof applyInboundPage>[1],
    records: RemoteRecord[],
    checkpoint: Checkpoint | undefined,
    readBefore: number,
  ): Promise<PageOutcome> {
    const outcome: PageOutcome = { read: 0, applied: 0, unchanged: 0, quarantined: 0, deleted: 0 };
    for (let i = 0; i < records.length || i === 0; i += TRANSACTION_RECORDS) {
      const last = i + TRANSACTION_RECORDS >= records.length;
      const readSoFar = readBefore + outcome.read;
      const commit: SliceCommit | undefined =
        last && checkpoint
          ? async (m, sliceRead) => {
              await checkpoint(m);
              await m.query(`UPDATE sync_runs SET records_read = $2 WHERE id = $1`, [ctx.runId, readSoFar + sliceRead]);
            }
          : undefined;
      const slice = await this.applySlice(ctx, records.slice(i, i + TRANSACTION_RECORDS), commit);
      for (const k of Object.keys(outcome) as Array<keyof PageOutcome>) outcome[k] += slice[k];
    }
    // Outside a dry run's transaction: its writes are rolled back, and ANALYZE beside it would wait for the embedded database's one session.
    if (!dryRunScope.getStore() && outcome.applied > 0) await this.statistics.afterWrite();
    return outcome;
  }

  private async applySlice(ctx: Parameters<typeof applyInboundPage>[1], records: RemoteRecord[], commit: SliceCommit | undefined): Promise<PageOutcome> {
    const dry = dryRunScope.getStore();
    if (dry) return applyInboundPage(dry, ctx, records);
    let outcome: PageOutcome | undefined;
    try {
      await this.deps.db.transaction(async (m) => {
        outcome = await applyInboundPage(m, ctx, records);
        if (commit) await commit(m, outcome.read);
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    return outcome!;
  }

  /** The record kinds the connection's outbox has waiting. */
  private async pendingKinds(connectionId: string): Promise<Set<string>> {
    const rows = (await this.deps.db.query(`SELECT DISTINCT record_kind FROM outbox WHERE connection_id = $1 AND delivered_at IS NULL`, [connectionId])) as Array<{
      record_kind: string;
    }>;
    return new Set(rows.map((r) => r.record_kind));
  }

  private async cursor(connectionId: string, remoteType: string): Promise<string | null> {
    const rows = (await (dryRunScope.getStore() ?? this.deps.db).query(`SELECT cursor FROM sync_cursors WHERE connection_id = $1 AND remote_type = $2`, [
      connectionId,
      remoteType,
    ])) as Array<{ cursor: string }>;
    return rows[0]?.cursor ?? null;
  }

  private async loadOwners(): Promise<Map<string, Map<string, string | null>>> {
    const rows = (await this.deps.db.query(`SELECT record_kind, field, owner_connection_id FROM field_owners`)) as Array<{
      record_kind: string;
      field: string;
      owner_connection_id: string | null;
    }>;
    const out = new Map<string, Map<string, string | null>>();
    for (const r of rows) {
      const byField = out.get(r.record_kind) ?? new Map<string, string | null>();
      byField.set(r.field, r.owner_connection_id);
      out.set(r.record_kind, byField);
    }
    return out;
  }

  /**
   * Logs why the run stopped, classified, with the attempts the transport made. A spent daily
   * quota pauses the connection until the vendor's reset; refused credentials (a failed token
   * refresh, or a 401 after the one replay) make it FAILING with a CREDENTIALS alert and stop
   * its schedule until someone replaces them — never a loop (connection-status.ts).
   */
  private async recordFailure(connection: ConnectionEntity, adapter: SystemAdapter, run: SyncRunEntity, err: unknown): Promise<StopReason> {
    const e = err instanceof SystemError ? err : undefined;
    const errorClass = e?.errorClass ?? 'UNKNOWN';
    const message = e?.message ?? (err instanceof Error ? err.message : String(err));
    this.deps.log?.('error', 'sync run stopped', { runId: run.id, connectionId: connection.id, errorClass, code: e?.code, message });
    await logError(this.deps.db.manager, {
      connectionId: connection.id,
      runId: run.id,
      errorClass,
      code: e?.code ?? (err instanceof Error ? err.name : 'ERROR'),
      message,
      endpoint: e?.details.endpoint ?? null,
      attempts: attemptsOf(err),
    }).catch(() => undefined);
    const quota = e?.code === 'QUOTA_EXHAUSTED';
    if (quota) {
      const until = quotaResumeAt(adapter.stats.lastUsage?.resetsAt ?? connection.apiResetsAt, new Date());
      await pauseConnection(this.deps.db, connection.id, `daily API quota exhausted; resumes at ${until.toISOString()}`, until);
    } else if (errorClass === 'AUTHENTICATION') {
      await this.deps.connections.credentialsRefused(connection.id, `${e?.code ?? 'AUTHENTICATION'}: ${message}`);
    }
    const circuit = adapter.stats.circuit && adapter.stats.circuit !== 'CLOSED' ? ` [circuit ${adapter.stats.circuit}]` : '';
    return { message: `${errorClass}: ${message}${circuit}`, quota };
  }

  private async progress(run: SyncRunEntity, totals: RunTotals, progress: number, apiCalls: number): Promise<void> {
    Object.assign(run, {
      progress,
      recordsRead: totals.read,
      recordsWritten: totals.written,
      recordsFailed: totals.failed,
      recordsQuarantined: totals.quarantined,
      apiCalls,
      heartbeatAt: new Date(),
    });
    // Inside a dry run's transaction on the embedded database's one session, a query outside it would wait for it forever.
    await (dryRunScope.getStore() ?? this.deps.db).query(
      `UPDATE sync_runs SET progress = $2, records_read = $3, records_quarantined = $4, api_calls = $5, heartbeat_at = now() WHERE id = $1`,
      [run.id, progress, totals.read, totals.quarantined, apiCalls],
    );
    this.deps.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
  }

  /** `readComplete`: a BULK run read every object, so its checkpoints go with its end (one transaction: a crash keeps both or neither). */
  private async finish(
    run: SyncRunEntity,
    status: SyncRunEntity['status'],
    totals: RunTotals,
    apiCalls: number,
    error: string | null,
    readComplete = false,
  ): Promise<SyncRunEntity> {
    const { db } = this.deps;
    await db.transaction(async (m) => {
      if (readComplete) await clearBulkCheckpoints(m, run.connectionId);
      await m.query(
        `UPDATE sync_runs SET status = $2, finished_at = now(), progress = CASE WHEN $2 = 'SUCCEEDED' THEN 1 ELSE progress END,
         records_read = $3, records_written = $4, records_failed = $5, records_quarantined = $6, api_calls = $7, error = $8,
         planned_changes = $9 WHERE id = $1`,
        [
          run.id,
          status,
          totals.read,
          totals.written,
          totals.failed,
          totals.quarantined,
          apiCalls,
          error,
          run.plannedChanges ? JSON.stringify(run.plannedChanges) : null,
        ],
      );
    });
    if (status === 'SUCCEEDED' && !run.dryRun) await db.query(`UPDATE connections SET last_successful_sync_at = now() WHERE id = $1`, [run.connectionId]);
    // A run that got through proves a new connection (UNKNOWN until then).
    if ((status === 'SUCCEEDED' || status === 'PARTIAL') && !run.dryRun) await recordProven(db, run.connectionId);
    const done = await db.getRepository(SyncRunEntity).findOneByOrFail({ id: run.id });
    this.deps.events.publish(TOPICS.SYNC_RUN_UPDATED, done);
    this.deps.log?.(status === 'SUCCEEDED' ? 'info' : 'warn', 'sync run finished', {
      runId: run.id,
      connectionId: run.connectionId,
      mode: run.mode,
      status,
      ...totals,
      apiCalls,
    });
    return done;
  }
}
