/**
 * The API's own connection pool, with a statement timeout.
 *
 * On PostgreSQL the API's statements run in sessions opened with `statement_timeout` (a
 * startup parameter: no statement is spent setting it per request, and no code path can
 * forget it), in a pool apart from the sync engine's: a slow or hostile read is cancelled
 * after a few seconds, and it can neither hold a connection sync work needs nor wait behind
 * a long sync transaction. (`SET LOCAL` per transaction would have cost every read three
 * statements — BEGIN, SET, COMMIT — and a session-wide `SET` on the shared pool would have
 * cut sync work short too.)
 *
 * Embedded PGlite has one session and does not enforce `statement_timeout` at all
 * (measured on @electric-sql/pglite 0.5.14: `SET statement_timeout = 500` is accepted and
 * `SHOW` reports 500ms, yet `pg_sleep(3)` returns after 3,004 ms and a 25 s scan runs to
 * the end — its single-threaded WASM backend has no timer signal to cancel with, and it runs
 * on Node's own thread). There the API shares the one session and its reads are bounded by
 * the input limits (search length, weighted fields, page budget) instead.
 */
import type { DataSource } from 'typeorm';
import { postgresDataSource, statementTimeout } from './data-source';
import type { Database } from './database';

/** PostgreSQL's SQLSTATE for a statement cancelled, by `statement_timeout` or a cancel request. */
const QUERY_CANCELED = '57014';

export interface ApiPool {
  dataSource: DataSource;
  /** The timeout in force; null where none is (embedded, or configured 0). */
  statementTimeoutMs: number | null;
  close(): Promise<void>;
}

export async function openApiPool(database: Database, options: { statementTimeoutMs: number; poolSize?: number }): Promise<ApiPool> {
  if (database.embedded || options.statementTimeoutMs <= 0)
    return { dataSource: database.dataSource, statementTimeoutMs: null, close: async () => undefined };
  const dataSource = postgresDataSource(database.url, { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000, ...statementTimeout(options.statementTimeoutMs) });
  await dataSource.initialize();
  return {
    dataSource,
    statementTimeoutMs: options.statementTimeoutMs,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** True when the error (or one it wraps) is a statement PostgreSQL cancelled. */
export function isStatementCancelled(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, driverError, cause } = e as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (code === QUERY_CANCELED) return true;
    e = driverError ?? cause;
  }
  return false;
}
