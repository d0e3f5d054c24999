/**
 * The store's handle as the tiers above hold it (a pool they pass to process services, never
 * query), and the readiness probe load balancers ask through /readyz.
 */
import type { DataSource } from 'typeorm';

export type StoreHandle = DataSource;

/** 'ready' when the database answers and every migration this build knows is applied; throws when it can't be reached. */
export async function storeReadiness(db: StoreHandle): Promise<'ready' | 'migrations pending'> {
  await db.query('SELECT 1');
  return (await db.showMigrations()) ? 'migrations pending' : 'ready';
}
