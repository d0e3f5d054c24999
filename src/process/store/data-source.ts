/**
 * TypeORM over the pg driver, connected and migrated: what openDatabase (database.ts) and the
 * embedded template's build (embedded-template.ts) both open, and the API pool (api-pool.ts)
 * builds its own from.
 */
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';
import { watchSingleSession } from './session-turns';

/** TypeORM over the pg driver; `extra` is the pg Pool's configuration. */
export function postgresDataSource(url: string, extra: Record<string, unknown>): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsTransactionMode: 'each',
    installExtensions: false,
    extra,
  });
}

/** True for the embedded server's one session (see openMigrated): a second statement waits for the first to end. */
export function isSingleSession(db: DataSource): boolean {
  return (db.options.extra as { max?: number } | undefined)?.max === 1;
}

/** pg sends `statement_timeout` as a startup parameter: set for the session's life, no statement spent on it. */
export function statementTimeout(ms: number | undefined): { statement_timeout?: number } {
  return ms && ms > 0 ? { statement_timeout: ms } : {};
}

/**
 * Connected, with every migration applied. `singleSession`: the embedded server's one session
 * (a second pooled connection would interleave statements); waiting for it is bounded so a
 * deadlock becomes an error, but generously: a busy machine's page transaction can hold the
 * session for seconds.
 */
export async function openMigrated(url: string, singleSession: boolean, pool: Record<string, unknown> = {}): Promise<DataSource> {
  const dataSource = postgresDataSource(url, singleSession ? { max: 1, connectionTimeoutMillis: 10_000 } : pool);
  await initialize(dataSource, singleSession);
  if (singleSession) watchSingleSession(dataSource);
  await dataSource.runMigrations();
  return dataSource;
}

/**
 * The embedded server frees its one session asynchronously when a client disconnects, so a
 * connection opened right after another closed can be dropped ("Connection terminated
 * unexpectedly", or "read ECONNRESET"). On that route the first connect is retried briefly;
 * anywhere else a failure to connect is reported at once.
 */
async function initialize(dataSource: DataSource, singleSession: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      return;
    } catch (err) {
      // The drop shows as either, depending on whether the socket was read from yet.
      const dropped = err instanceof Error && /Connection terminated unexpectedly|read ECONNRESET/.test(err.message);
      if (!singleSession || !dropped || attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
