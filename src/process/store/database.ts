/**
 * The store's connection: real PostgreSQL when a URL is given, otherwise embedded
 * PostgreSQL (PGlite) on disk, served over a loopback socket so the ordinary pg driver,
 * TypeORM and pg-boss all speak to it the same way (STACK.md "Embedded PostgreSQL").
 */
import { mkdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { lockEmbeddedStore } from './embedded-lock';
import { seedFromTemplate } from './embedded-template';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  url?: string;
  /** Where embedded PostgreSQL keeps its files when no URL is given. */
  embeddedDir: string;
  /** Pool size against real PostgreSQL. */
  poolSize?: number;
  /** Force one pooled session (a URL that points at an embedded server, as tests use). */
  singleSession?: boolean;
  /** false: a new embedded directory runs initdb itself rather than copying the template (embedded-template.ts). */
  template?: boolean;
  /**
   * Per statement, in every session of the pool (PostgreSQL only: PGlite ignores it, see
   * api-pool.ts). Unset or 0: none. It bounds migrations at start-up too.
   */
  statementTimeoutMs?: number;
}

export interface Database {
  dataSource: DataSource;
  /** True on embedded PGlite: one session only, so never open a second connection inside a transaction. */
  embedded: boolean;
  url: string;
  close(): Promise<void>;
}

interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dir: string, options: { template?: boolean } = {}): Promise<EmbeddedServer> {
  // A new data directory starts as a copy of the migrated template: no initdb on first boot.
  if (options.template !== false) await seedFromTemplate(dir);
  mkdirSync(dir, { recursive: true });
  // After the template copy (which wants an empty directory): one process per data directory.
  const unlock = lockEmbeddedStore(dir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create({ dataDir: dir });
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
    await server.start();
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async stop() {
        try {
          await server.stop();
          await db.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const embedded = options.url ? undefined : await startEmbeddedPostgres(options.embeddedDir, { template: options.template });
  const url = options.url ?? embedded!.url;
  const single = Boolean(embedded) || options.singleSession === true;
  // Embedded PGlite has one session: a second pooled connection would interleave statements.
  // Waiting for it is bounded so a deadlock becomes an error, but generously: a busy machine's
  // page transaction can hold the session for seconds.
  const dataSource = postgresDataSource(
    url,
    single ? { max: 1, connectionTimeoutMillis: 10_000 } : { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000, ...statementTimeout(options.statementTimeoutMs) },
  );
  await initialize(dataSource, single);
  await dataSource.runMigrations();
  return {
    dataSource,
    embedded: single,
    url,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

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

/** pg sends `statement_timeout` as a startup parameter: set for the session's life, no statement spent on it. */
export function statementTimeout(ms: number | undefined): { statement_timeout?: number } {
  return ms && ms > 0 ? { statement_timeout: ms } : {};
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

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
