/**
 * The store's connection: real PostgreSQL when a URL is given, otherwise embedded
 * PostgreSQL (PGlite) on disk, served over a loopback socket so the ordinary pg driver,
 * TypeORM and pg-boss all speak to it the same way (STACK.md "Embedded PostgreSQL").
 * Imports flow one way: this file → embedded-template.ts → embedded-server.ts, data-source.ts.
 */
import type { DataSource } from 'typeorm';
import { openMigrated, statementTimeout } from './data-source';
import { mkdirSync } from 'node:fs';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';
import { lockEmbeddedStore } from './embedded-lock';
import { seedFromTemplate } from './embedded-template';

export { postgresDataSource, statementTimeout } from './data-source';

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

/** An embedded server on `dir`; a new data directory starts as a copy of the migrated template (no initdb on first boot) unless `template` is false. */
export async function startEmbeddedPostgres(dir: string, options: { template?: boolean } = {}): Promise<EmbeddedServer> {
  if (options.template !== false) await seedFromTemplate(dir);
  // After the template copy (which wants an empty directory): one process per data directory.
  mkdirSync(dir, { recursive: true });
  const unlock = lockEmbeddedStore(dir);
  try {
    const server = await startEmbeddedServer(dir);
    return {
      url: server.url,
      async stop() {
        try {
          await server.stop();
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
  const dataSource = await openMigrated(url, single, { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000, ...statementTimeout(options.statementTimeoutMs) });
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
