/**
 * What store code runs its SQL on: the DataSource (a statement of its own) or the EntityManager
 * of a transaction the caller opened (so a page's writes, or a merge, commit together).
 * Repositories and read models take one; the services above them never write SQL.
 */
import type { DataSource, EntityManager } from 'typeorm';

export type Queryable = DataSource | EntityManager;

/** TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL as [rows, count]; SELECT and INSERT as rows. */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
