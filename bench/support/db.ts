/**
 * A fresh PostgreSQL database per scenario (as test/support/global-setup.ts does for a test
 * run), migrated by Junction's own openDatabase, dropped again at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/process/store/database';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let counter = 0;

export interface BenchDatabase {
  db: Database;
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(poolSize = 10): Promise<BenchDatabase> {
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const name = `junction_bench_${process.pid}_${Date.now()}_${++counter}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await openDatabase({ url, embeddedDir: '', poolSize });
  return {
    db,
    url,
    async drop() {
      await db.close().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The default store of a new user (no DATABASE_URL): embedded PGlite in a fresh directory, removed at the end. */
export async function createEmbeddedBenchDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'junction-bench-embedded-'));
  const db = await openDatabase({ embeddedDir: dir });
  return {
    db,
    url: db.url,
    async drop() {
      await db.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
