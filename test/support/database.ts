import 'reflect-metadata';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/process/store/database';

/** Tables holding data (not migrations or migration-seeded reference rows). */
const DATA_TABLES = [
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
}
