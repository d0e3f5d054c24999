/**
 * Executes one sync run for one connection: pull every mapped object (incrementally from
 * its cursor, or a bulk export), applying and checkpointing page by page, then deliver the
 * connection's outbox. The run's record is updated as it goes; a run that did not finish is
 * never recorded as SUCCEEDED.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { SystemError, type ChangePage, type RemoteRecord, type SystemAdapter } from '../../../system';
import { recordProven } from '../../connections/connection-status';
import type { ConnectionService } from '../../connections/connection.service';
import { TOPICS, type EventBus } from '../../events';
import { withinRun } from '../../health/call-failure-tally';
import { setupMayExplain } from '../../connections/connection-setup';
import type { RecordMapper } from '../../mapping/field-map';
import { mappersFor } from '../../mapping/registry';
import { recordSuccessfulSync } from '../../store/connections/connection.repository';
import { SyncRunEntity, type ConnectionEntity, type PlannedChange } from '../../store/entities';
import { PlannerStatistics } from '../../store/planner-statistics';
import { isSingleSession, sessionTurn } from '../../store/session-turns';
import { beatHeart, recordRecordsRead, recordRunEnd, recordRunProgress } from '../../store/runs/run-progress.repository';
import { loadFieldOwners, pendingRecordKinds, type FieldOwners } from '../../store/runs/run-inputs.repository';
import { readCursor, saveCursor } from '../../store/runs/sync-cursor.repository';
import { clearBulkCheckpoints, forgetBulkCheckpoint, loadBulkStart, saveBulkCheckpoint } from '../inbound/bulk-checkpoint';
import { HeldReads } from '../inbound/held-reads';
import { applyInboundPage, type CrmPageContext, type PageOutcome } from '../inbound/inbound';
import { LaterProposals } from '../../matching/later-proposals';
import { deliverOutbox } from '../outbound/outbound';
import type { FirstWrites } from '../outbound/outbound-first-writes';
import { forgetDescribes, SchemaWatch } from '../schema-watch/schema-check';
import { gateFullRun, recordPassingTestBatch, testBatchPassed } from './run-gate';
import { RunInterrupted, RunStop, throwIfInterrupted, untilInterrupted } from './run-interruption';
import { logPage, pageProgress, RunLog } from './run-log';
import { endStatus, noTotals, recordRunFailure, type RunTotals, type StopReason } from './run-outcome';

const TEST_BATCH_SIZE = 10;
/** Records applied per transaction (see applyPage). */
const TRANSACTION_RECORDS = 1_000;
/**
 * On embedded PGlite's one session (session-turns.ts): a slice of 1,000 held it for 1.5–2.5 s,
 * all that time no API read could run; 100 hold it for about a tenth of that.
 */
const SINGLE_SESSION_TRANSACTION_RECORDS = 100;
const HEARTBEAT_MS = 5_000;

export interface SyncEngineDeps {
  db: DataSource;
  connections: ConnectionService;
  events: EventBus;
  workerId: string;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

/** Work committed in the transaction of a page's last slice: where the read stands after that page. */
type Checkpoint = (m: EntityManager) => Promise<void>;
/** What the last slice's transaction commits besides its records, given how many of them it read. */
type SliceCommit = (m: EntityManager, sliceRead: number) => Promise<void>;

/** What one pass over the objects shares: the run's rules, totals and schema watch. */
interface PullPass {
  owners: FieldOwners;
  totals: RunTotals;
  planned: PlannedChange[] | undefined;
  callsBefore: number;
  watch: SchemaWatch;
  held: HeldReads;
  signal: AbortSignal | undefined;
  /** Junction stopping, or an operator's cancel (seen at a page or heartbeat). */
  stop: RunStop;
  log: RunLog;
  /** What the vendor said each object's read holds, where it said (ChangePage/BulkPage `total`). */
  vendorTotals: Map<string, number>;
  /** The object being read, of how many: a page's progress is its share of that object's total. */
  at: { index: number; of: number };
}

/** Why a run cancelled by an operator stopped (its error). */
const CANCELLED = 'cancelled by an operator; what its pages committed stays, and the next run goes on from there';

/** One run as it executes: what its steps share, and how it stopped. */
interface ActiveRun {
  run: SyncRunEntity;
  connection: ConnectionEntity;
  adapter: SystemAdapter;
  pass: PullPass;
  stopped?: StopReason;
  /** Every object was read: a BULK run's checkpoints go when it ends (bulk-checkpoint.ts). */
  pulled: boolean;
}

const callsSince = (active: ActiveRun): number => active.adapter.stats.apiCalls - active.pass.callsBefore;

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
    // The run's failed calls are counted as its own (call-failure-tally.ts).
    return withinRun(runId, () => this.executeRun(runId, signal));
  }

  private async executeRun(runId: string, signal?: AbortSignal): Promise<SyncRunEntity> {
    const run = await this.deps.db.getRepository(SyncRunEntity).findOneByOrFail({ id: runId });
    const connection = await this.deps.connections.get(run.connectionId);
    if (!connection) return this.finish(run, 'FAILED', noTotals(), 0, 'connection no longer exists', new RunLog());
    const active = await this.begin(run, connection, signal);
    const { pass } = active;
    // A heartbeat between pages too, so a long vendor call is not mistaken for a dead worker (and a cancel is seen during it).
    const heartbeat = setInterval(() => void beatHeart(this.deps.db, run.id).then((asked) => asked && this.cancelAsked(pass), () => undefined), HEARTBEAT_MS);
    let refusedByGate: string | undefined;
    try {
      refusedByGate = await this.pullAndDeliver(active);
    } catch (err) {
      forgetDescribes(connection.id);
      // Stopping is not a failure: nothing to log, classify or pause.
      if (err instanceof RunInterrupted) active.stopped = pass.stop.cancelled ? { message: CANCELLED, quota: false, cancelled: true } : { message: err.message, quota: false, interrupted: true };
      else {
        // A refusal a missing setup explains (Junction's field or key not in the CRM) is reported as that: SCHEMA, naming it.
        const cause = setupMayExplain(err) ? await this.deps.connections.explainFailure(active.adapter, err) : err;
        pass.log.error((active.stopped = await recordRunFailure(this.deps, connection, active.adapter, run.id, cause)).message);
      }
    } finally {
      clearInterval(heartbeat);
      await pass.held.release();
    }
    if (refusedByGate) pass.log.error(`the test-batch gate stopped the run: ${refusedByGate}`);
    if (refusedByGate) return this.finish(run, 'FAILED', pass.totals, callsSince(active), refusedByGate, pass.log);
    return this.conclude(active);
  }

  /** An operator asked to cancel the run: it stops at its next page boundary (RunStop). */
  private cancelAsked(pass: PullPass): void {
    if (pass.stop.cancelled) return;
    pass.log.warn('an operator cancelled the run: it stops at this page boundary');
    pass.stop.cancel();
  }

  /** The run's working set: its adapter, field owners, schema watch and the totals it starts from. */
  private async begin(run: SyncRunEntity, connection: ConnectionEntity, signal: AbortSignal | undefined): Promise<ActiveRun> {
    const adapter = this.deps.connections.adapterFor(connection);
    const stop = new RunStop(signal);
    const log = new RunLog(adapter.stats.retries);
    log.info(`${run.mode}${run.dryRun ? ' dry' : ''} run started`);
    const pass: PullPass = {
      owners: await loadFieldOwners(this.deps.db),
      totals: noTotals(),
      planned: run.dryRun ? [] : undefined,
      callsBefore: adapter.stats.apiCalls,
      watch: new SchemaWatch(this.deps.db, connection, adapter, run.id),
      // The test batch's first pages, replayed by the full pass rather than read again (held-reads.ts).
      held: new HeldReads(),
      signal: stop.signal,
      stop,
      log,
      vendorTotals: new Map(),
      at: { index: 0, of: 1 },
    };
    return { run, connection, adapter, pass, pulled: false };
  }

  /**
   * The run's work: the gate (with its test batch), the pull of every mapped object, then
   * delivery of the connection's outbox. Returns the gate's reason when it refused the run.
   */
  private async pullAndDeliver(active: ActiveRun): Promise<string | undefined> {
    const { run, connection, pass } = active;
    const { db } = this.deps;
    // Mapped fields the CRM no longer has are left out (or their object skipped): never nulls.
    // The reads themselves reveal them; a dry run checks up front, as it may not write outside its transaction.
    await (run.dryRun ? pass.watch.describeAll() : pass.watch.start());
    const types = mappersFor(connection).map((m) => m.remoteType);
    const gate = await gateFullRun(db, run, connection, { run: () => this.testBatch(active, types), unreadable: () => [...pass.watch.blocked] });
    if (!gate.pass) return gate.reason;
    if (run.mode === 'BULK') await pass.held.release();
    await (run.dryRun ? this.rolledBack(() => this.pullAll(active, types)) : this.pullAll(active, types));
    active.pulled = true;
    // A test batch is its first 10 records, not the connection's whole outbox (see testBatch).
    if (!run.dryRun && run.mode !== 'TEST_BATCH') await this.deliver(active, gate.firstWrites);
    if (run.mode === 'TEST_BATCH' && !run.dryRun && testBatchPassed(pass.totals)) await recordPassingTestBatch(db, connection);
    return undefined;
  }

  /** Every mapped object in turn, the run's progress after each; a TEST_BATCH run stops at its size. */
  private async pullAll(active: ActiveRun, types: string[]): Promise<void> {
    const { run, pass } = active;
    for (const [i, type] of types.entries()) {
      pass.at = { index: i, of: types.length };
      await this.pullObject(run, active.connection, active.adapter, type, pass);
      await this.progress(run, pass, (i + 1) / (types.length + 1), callsSince(active));
      if (run.mode === 'TEST_BATCH' && pass.totals.read >= TEST_BATCH_SIZE) break;
    }
  }

  /** Delivers the connection's outbox; a gated run's first writes are judged before the rest go out (run-gate.ts). */
  private async deliver(active: ActiveRun, firstWrites: FirstWrites | undefined): Promise<void> {
    const { run, connection, adapter, pass } = active;
    throwIfInterrupted(pass.signal);
    await pass.watch.beforeWrites(() => pendingRecordKinds(this.deps.db, connection.id));
    const delivered = await deliverOutbox(this.deps.db, connection, adapter, run.id, { firstWrites, signal: pass.signal });
    pass.totals.written += delivered.written;
    pass.totals.failed += delivered.failed;
    pass.log.noteRetries(adapter.stats.retries);
    pass.log[delivered.failed ? 'warn' : 'info'](`outbox delivered: ${delivered.written} written, ${delivered.failed} failed`);
    if (delivered.blocked) pass.log.error(delivered.blocked);
    if (delivered.blocked) active.stopped = { message: delivered.blocked, quota: false };
  }

  /** Records the usage the CRM reported and ends the run with the status its totals, stop and schema drift make. */
  private async conclude(active: ActiveRun): Promise<SyncRunEntity> {
    const { run, connection, adapter, pass, stopped } = active;
    if (adapter.stats.lastUsage) await this.deps.connections.recordUsage(connection.id, adapter.stats.lastUsage).catch(() => undefined);
    if (pass.planned) run.plannedChanges = pass.planned;
    const drift = pass.watch.errors.map((e) => e.message).join('; ') || undefined;
    if (drift) pass.log.warn(`mapped fields skipped: ${drift}`);
    // Interrupted or cancelled while delivering, the read's `done` marks stay, so the next run goes straight to delivery.
    const readComplete = active.pulled && run.mode === 'BULK' && !run.dryRun && !stopped?.interrupted && !stopped?.cancelled;
    const error = stopped?.message ?? (drift ? `SCHEMA: ${drift}` : null);
    return this.finish(run, endStatus(stopped, pass.totals, drift), pass.totals, callsSince(active), error, pass.log, readComplete);
  }

  /** The gate's test batch: this run's first 10 records end to end, in TEST_BATCH mode, before its full pass. */
  private async testBatch(active: ActiveRun, types: string[]): Promise<RunTotals> {
    const probe = Object.assign(new SyncRunEntity(), active.run, { mode: 'TEST_BATCH', dryRun: false });
    const totals = noTotals();
    for (const type of types) {
      // Its own totals: a test batch reads incrementally, and its vendor totals are not a BULK pass's.
      await this.pullObject(probe, active.connection, active.adapter, type, { ...active.pass, totals, planned: undefined, vendorTotals: new Map() });
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
    const { owners, planned } = pass;
    const ctx = {
      connectionId: connection.id,
      runId: run.id,
      mapper,
      rules: { owners: owners.get(mapper.kind) ?? new Map(), verified: new Set<string>() },
      planned,
      events: this.deps.events,
      // Proposed after each slice commits, beside the next one (later-proposals.ts); a dry run proposes inside its one transaction.
      proposals: run.dryRun ? undefined : new LaterProposals(this.deps.db, this.deps.log),
    };
    try {
      await this.pullWith(run, connection, adapter, mapper, pass, ctx);
    } finally {
      await ctx.proposals?.settled();
    }
  }

  private async pullWith(
    run: SyncRunEntity,
    connection: ConnectionEntity,
    adapter: SystemAdapter,
    mapper: RecordMapper,
    pass: PullPass,
    ctx: CrmPageContext & { mapper: RecordMapper },
  ): Promise<void> {
    const { totals, callsBefore, watch, held, signal } = pass;
    const options = { fields: mapper.remoteFields };
    const readBefore = totals.read;
    const apply = async (records: RemoteRecord[], checkpoint: Checkpoint, total: number | undefined) => {
      // A page may show a mapped field gone (schema-check.ts): applied without it, or not at all when the object is blocked.
      if (!(await watch.checkPage(ctx.mapper, records))) return false;
      ctx.mapper = watch.mapperFor(mapper.remoteType) ?? ctx.mapper;
      const batch = run.mode === 'TEST_BATCH' ? records.slice(0, Math.max(0, TEST_BATCH_SIZE - totals.read)) : records;
      const outcome = await this.applyPage(ctx, batch, run.dryRun || run.mode === 'TEST_BATCH' ? undefined : checkpoint, totals.read);
      totals.read += outcome.read;
      totals.quarantined += outcome.quarantined;
      if (total !== undefined && !pass.vendorTotals.has(mapper.remoteType)) pass.vendorTotals.set(mapper.remoteType, total);
      logPage(pass.log, mapper.remoteType, outcome, totals.read - readBefore, pass.vendorTotals.get(mapper.remoteType));
      pass.log.noteRetries(adapter.stats.retries);
      await this.progress(run, pass, pageProgress(pass.at, totals.read - readBefore, pass.vendorTotals.get(mapper.remoteType), run.progress), adapter.stats.apiCalls - callsBefore);
      return run.mode !== 'TEST_BATCH' || totals.read < TEST_BATCH_SIZE;
    };
    if (run.mode === 'BULK') return this.pullBulk(run, connection.id, adapter, mapper, apply, pass);
    const applyPage = (page: ChangePage) => apply(page.records, (m) => saveCursor(m, connection.id, mapper.remoteType, page.cursor), page.total);
    const replay = run.mode === 'TEST_BATCH' ? undefined : held.take(mapper.remoteType);
    const read = replay ?? untilInterrupted(adapter.listChanged(mapper.remoteType, await readCursor(dryRunScope.getStore() ?? this.deps.db, connection.id, mapper.remoteType), options), signal);
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
    apply: (records: RemoteRecord[], checkpoint: Checkpoint, total: number | undefined) => Promise<boolean>,
    pass: PullPass,
  ): Promise<void> {
    const { signal } = pass;
    const { db } = this.deps;
    const fields = mapper.remoteFields;
    const start = run.dryRun ? ({ kind: 'FRESH' } as const) : await loadBulkStart(db, connectionId, mapper.remoteType, fields);
    if (start.kind === 'DONE') return;
    /** False when a page stopped the read (its object turned out blocked): the object is not marked read. */
    const read = async (resumeFrom?: string): Promise<boolean> => {
      for await (const page of untilInterrupted(adapter.bulkExport(mapper.remoteType, { fields, resumeFrom }), signal))
        if (!(await apply(page.records, (m) => saveBulkCheckpoint(m, connectionId, mapper.remoteType, fields, page.resume), page.total))) return false;
      return true;
    };
    let whole: boolean;
    if (start.kind === 'RESUME') {
      this.deps.log?.('info', 'bulk read resumes from a checkpoint', { runId: run.id, connectionId, remoteType: mapper.remoteType });
      pass.log.info(`${mapper.remoteType}: the bulk read resumes from the checkpoint an earlier run committed`);
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
   * One page, one transaction per slice of at most TRANSACTION_RECORDS (SINGLE_SESSION_… on
   * embedded PGlite, each after the API's turn at the one session): the checkpoint (cursor
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
    const sliceSize = isSingleSession(this.deps.db) ? SINGLE_SESSION_TRANSACTION_RECORDS : TRANSACTION_RECORDS;
    for (let i = 0; i < records.length || i === 0; i += sliceSize) {
      const last = i + sliceSize >= records.length;
      const readSoFar = readBefore + outcome.read;
      const commit: SliceCommit | undefined =
        last && checkpoint
          ? async (m, sliceRead) => {
              await checkpoint(m);
              await recordRecordsRead(m, ctx.runId, readSoFar + sliceRead);
            }
          : undefined;
      const slice = await this.applySlice(ctx, records.slice(i, i + sliceSize), commit);
      for (const k of Object.keys(outcome) as Array<keyof PageOutcome>) outcome[k] += slice[k];
      // After each committed slice, not each page: a bulk page is 10,000 rows, and the first one
      // would otherwise run entirely on the statistics of an empty store.
      // Outside a dry run's transaction: its writes are rolled back, and ANALYZE beside it would wait for the embedded database's one session.
      if (!dryRunScope.getStore() && slice.applied > 0) await this.statistics.afterWrite(slice.applied);
    }
    return outcome;
  }

  private async applySlice(ctx: Parameters<typeof applyInboundPage>[1], records: RemoteRecord[], commit: SliceCommit | undefined): Promise<PageOutcome> {
    const dry = dryRunScope.getStore();
    if (dry) return applyInboundPage(dry, { ...ctx, proposals: undefined }, records);
    let outcome: PageOutcome | undefined;
    // The API's reads go first on the embedded database's one session; on PostgreSQL this returns at once.
    await sessionTurn(this.deps.db);
    try {
      await this.deps.db.transaction(async (m) => {
        outcome = await applyInboundPage(m, ctx, records);
        if (commit) await commit(m, outcome.read);
      });
    } catch (err) {
      ctx.proposals?.discard();
      if (!(err instanceof DryRunRollback)) throw err;
    }
    await ctx.proposals?.release();
    return outcome!;
  }

  /** The run's counts, vendor total and log after a step; an operator's cancel, when asked, stops the run at this boundary. */
  private async progress(run: SyncRunEntity, pass: PullPass, progress: number, apiCalls: number): Promise<void> {
    const { totals } = pass;
    const recordsTotal = pass.vendorTotals.size ? [...pass.vendorTotals.values()].reduce((a, b) => a + b, 0) : null;
    Object.assign(run, {
      recordsTotal,
      progress,
      recordsRead: totals.read,
      recordsWritten: totals.written,
      recordsFailed: totals.failed,
      recordsQuarantined: totals.quarantined,
      apiCalls,
      heartbeatAt: new Date(),
    });
    // Inside a dry run's transaction on the embedded database's one session, a query outside it would wait for it forever.
    const log = pass.log.snapshot();
    if (await recordRunProgress(dryRunScope.getStore() ?? this.deps.db, run.id, progress, totals, apiCalls, { total: recordsTotal, log })) this.cancelAsked(pass);
    this.deps.events.publish(TOPICS.SYNC_RUN_UPDATED, run);
  }

  /** `readComplete`: a BULK run read every object, so its checkpoints go with its end (one transaction: a crash keeps both or neither). */
  private async finish(
    run: SyncRunEntity,
    status: SyncRunEntity['status'],
    totals: RunTotals,
    apiCalls: number,
    error: string | null,
    log: RunLog,
    readComplete = false,
  ): Promise<SyncRunEntity> {
    const { db } = this.deps;
    // The run's failed calls are stored before its end is published, so health read after it sees them.
    await this.deps.connections.callFailures.flush();
    log[status === 'SUCCEEDED' ? 'info' : 'warn'](
      `run ended ${status}: ${totals.read} read, ${totals.written} written, ${totals.failed} failed, ${totals.quarantined} quarantined, ${apiCalls} calls`,
    );
    await db.transaction(async (m) => {
      if (readComplete) await clearBulkCheckpoints(m, run.connectionId);
      await recordRunEnd(m, run.id, { status, counts: totals, apiCalls, error, plannedChanges: run.plannedChanges, log: log.snapshot() });
    });
    if (status === 'SUCCEEDED' && !run.dryRun) await recordSuccessfulSync(db, run.connectionId);
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
