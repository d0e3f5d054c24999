/**
 * One database per test run: a fresh PostgreSQL database when DATABASE_URL is set (CI),
 * otherwise one embedded PGlite in a temporary folder. Migrations run once here; test
 * files share the database one at a time and reset the tables they use.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, startEmbeddedPostgres } from '../../src/process/store/database';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    embeddedDatabase: boolean;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // jsforce and dynamics-web-api route even localhost through these (crm-wire.md §4).
  for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];
  let url: string;
  let teardown: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const name = `junction_test_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    teardown = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'junction-test-pg-'));
    const server = await startEmbeddedPostgres(dir);
    url = server.url;
    teardown = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const db = await openDatabase({ url, embeddedDir: '', singleSession: !process.env.DATABASE_URL });
  await db.close();
  project.provide('databaseUrl', url);
  project.provide('embeddedDatabase', !process.env.DATABASE_URL);
  project.provide('redisUrl', process.env.REDIS_URL ?? '');
  return teardown;
}
