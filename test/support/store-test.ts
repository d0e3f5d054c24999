/**
 * The preamble of a store test: the run's test database opened once per file, emptied before
 * each test and closed after the file. Returns the open database (read it inside tests).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../src/process/store/database';
import { openTestDatabase, resetDatabase } from './database';

export function useStoreDatabase(): { readonly db: Database } {
  const holder = {} as { db: Database };
  beforeAll(async () => {
    holder.db = await openTestDatabase();
  });
  beforeEach(async () => {
    await resetDatabase(holder.db);
  });
  afterAll(async () => {
    await holder.db?.close();
  });
  return holder;
}
