/**
 * How a sync run's end is decided (sync-engine.ts): why it stopped — a failure classified,
 * logged and acted on — and the status its totals, stop and schema drift make.
 */
import type { DataSource } from 'typeorm';
import { attemptsOf, SystemError, type SystemAdapter } from '../../../system';
import { pauseConnection, quotaResumeAt } from '../../connections/connection-pause';
import type { ConnectionService } from '../../connections/connection.service';
import { logError } from '../../health/error-log';
import type { ConnectionEntity, SyncRunEntity } from '../../store/entities';
import type { RunCounts } from '../../store/runs/run-progress.repository';

export type RunTotals = RunCounts;

export const noTotals = (): RunTotals => ({ read: 0, written: 0, failed: 0, quarantined: 0 });

export interface StopReason {
  message: string;
  /** The daily quota ran out: the run is PARTIAL whatever it managed. */
  quota: boolean;
  /** Junction was stopping (run-interruption.ts): the run is INTERRUPTED and its next attempt goes on. */
  interrupted?: boolean;
  /** An operator cancelled it (cancelSync): the run is CANCELLED and nothing resumes it on its own. */
  cancelled?: boolean;
}

/**
 * A spent quota ends the run PARTIAL (the rest waits for the reset), never SUCCEEDED. Schema
 * drift leaves the run PARTIAL: mapped fields were skipped (never a retry: a person must act).
 */
export function endStatus(stopped: StopReason | undefined, totals: RunTotals, drift: string | undefined): SyncRunEntity['status'] {
  if (stopped?.cancelled) return 'CANCELLED';
  if (stopped?.interrupted) return 'INTERRUPTED';
  if (stopped) return stopped.quota || totals.read + totals.written > 0 ? 'PARTIAL' : 'FAILED';
  return totals.failed > 0 || drift ? 'PARTIAL' : 'SUCCEEDED';
}

/** What recording a failure uses of the engine's dependencies. */
interface FailureDeps {
  db: DataSource;
  connections: Pick<ConnectionService, 'credentialsRefused'>;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

/**
 * Logs why the run stopped, classified, with the attempts the transport made. A spent daily
 * quota pauses the connection until the vendor's reset; refused credentials (a failed token
 * refresh, or a 401 after the one replay) make it FAILING with a CREDENTIALS alert and stop
 * its schedule until someone replaces them — never a loop (connection-status.ts).
 */
export async function recordRunFailure(deps: FailureDeps, connection: ConnectionEntity, adapter: SystemAdapter, runId: string, err: unknown): Promise<StopReason> {
  const e = err instanceof SystemError ? err : undefined;
  const errorClass = e?.errorClass ?? 'UNKNOWN';
  const message = e?.message ?? (err instanceof Error ? err.message : String(err));
  deps.log?.('error', 'sync run stopped', { runId, connectionId: connection.id, errorClass, code: e?.code, message });
  await logError(deps.db.manager, {
    connectionId: connection.id,
    runId,
    errorClass,
    code: e?.code ?? (err instanceof Error ? err.name : 'ERROR'),
    message,
    endpoint: e?.details.endpoint ?? null,
    attempts: attemptsOf(err),
  }).catch(() => undefined);
  const quota = e?.code === 'QUOTA_EXHAUSTED';
  if (quota) {
    const until = quotaResumeAt(adapter.stats.lastUsage?.resetsAt ?? connection.apiResetsAt, new Date());
    await pauseConnection(deps.db, connection.id, `daily API quota exhausted; resumes at ${until.toISOString()}`, until);
  } else if (errorClass === 'AUTHENTICATION') {
    await deps.connections.credentialsRefused(connection.id, `${e?.code ?? 'AUTHENTICATION'}: ${message}`);
  }
  const circuit = adapter.stats.circuit && adapter.stats.circuit !== 'CLOSED' ? ` [circuit ${adapter.stats.circuit}]` : '';
  return { message: `${errorClass}: ${message}${circuit}`, quota };
}
