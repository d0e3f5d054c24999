import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/process/store/database';

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
  'field_provenance',
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
 * A test file's database: opened before its tests (and handed to `use`), emptied before each
 * test, closed after the file.
 */
export function useTestDatabase(use: (db: Database) => void): void {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openTestDatabase();
    use(db);
  });
  beforeEach(async () => {
    await resetDatabase(db!);
  });
  afterAll(async () => {
    await db?.close();
  });
}
