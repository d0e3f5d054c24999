import 'reflect-metadata';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/process/store/database';
import { lazy } from './lazy';

/** Tables holding data (not migrations or migration-seeded reference rows). */
const DATA_TABLES = [
  'audit_reports',
  'auth_failures',
  'idempotency_keys',
  'outbox',
  'alerts',
  'api_keys',
  'merges',
  'duplicate_candidates',
  'record_provenance',
  'rejected_changes',
  'field_owners',
  'quarantine',
  'sync_errors',
  'sync_runs',
  'sync_cursors',
  'source_links',
  'contacts',
  'companies',
  'connections',
];

/** Opens the run's shared test database (see global-setup.ts). */
export async function openTestDatabase(): Promise<Database> {
  return openDatabase({ url: inject('databaseUrl'), embeddedDir: '', singleSession: inject('embeddedDatabase'), poolSize: 4 });
}

export async function resetDatabase(db: Database): Promise<void> {
  await db.dataSource.query(`TRUNCATE ${DATA_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  // pg-boss's jobs belong to the test that queued them: a schedule slot an earlier file took
  // (one tick per interval) would otherwise keep this file's worker from scheduling at all.
  await db.dataSource.query(`DO $$ BEGIN IF to_regclass('pgboss.job') IS NOT NULL THEN TRUNCATE pgboss.job, pgboss.archive; END IF; END $$`);
}

/**
 * The run's test database, emptied, for the tests of the calling file (or describe block):
 * opened and reset before them, closed after them. The one way a test file starts from a
 * clean store; `resetEach` empties it again before every test.
 */
export function useDatabase(options: { resetEach?: boolean } = {}): Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
    await resetDatabase(db);
  });
  if (options.resetEach) beforeEach(async () => resetDatabase(db!));
  afterAll(async () => {
    await db?.close();
  });
  return lazy('the test database', () => db);
}

/** Statements sent to PostgreSQL while `run` runs. */
export async function countStatements(run: () => Promise<unknown>): Promise<number> {
  const original = pg.Client.prototype.query;
  let count = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = original;
  }
  return count;
}
