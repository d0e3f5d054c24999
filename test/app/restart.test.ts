/**
 * Start → stop → start, as a user runs `npm start`: real child processes on the default
 * in-process emulators, stopped with SIGTERM and with SIGKILL, on the embedded store and on
 * PostgreSQL. The emulators live in memory, so each start brings fresh, re-seeded CRMs that
 * Junction fills again from its store (rebaseline.ts): every person in every CRM once, none
 * lost, none doubled. A SIGTERM to an idle instance, with a dashboard's subscription and
 * keep-alive connections open, exits 0 in under 5 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { emulatorPeople } from '../support/emulator-people';
import { startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';

const ADMIN_KEY = 'jk_test-admin-key-for-restarts-0123456789';
const SEED = 8;
const CRMS = 3;
/** People in every CRM once (a quarter of each seed), plus each CRM's own (see seedPlan). */
const PEOPLE = Math.floor(SEED * 0.25) + CRMS * (SEED - Math.floor(SEED * 0.25));
const CONVERGE_MS = 90_000;
const IDLE_STOP_MS = 5_000;

interface Store {
  name: string;
  skip: boolean;
  /** Prepares the store; returns the child's extra environment and how to drop it. */
  open(): Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
}

const STORES: Store[] = [
  { name: 'the embedded store', skip: false, open: async () => ({ env: {}, drop: async () => undefined }) },
  {
    name: 'PostgreSQL',
    // The suite's own database runs on a server only when DATABASE_URL is set; the child gets a fresh database there.
    skip: inject('embeddedDatabase'),
    open: async () => {
      const admin = new PgClient({ connectionString: inject('databaseUrl') });
      await admin.connect();
      const name = `junction_restart_${process.pid}_${Date.now()}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(inject('databaseUrl'));
      url.pathname = `/${name}`;
      return {
        env: { DATABASE_URL: url.toString() },
        drop: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        },
      };
    },
  },
];

describe.each(STORES)('npm start, stopped and started again, on $name', (store) => {
  let dataDir: string;
  let extraEnv: Record<string, string> = {};
  let drop: (() => Promise<void>) | undefined;
  let junction: JunctionProcess | undefined;
  const env = () => ({
    ...extraEnv,
    JUNCTION_DATA_DIR: dataDir,
    JUNCTION_ADMIN_KEY: ADMIN_KEY,
    JUNCTION_SEED: String(SEED),
    JUNCTION_SYNC_INTERVAL_MS: '1000',
    // Free ports: other test runs on this host may hold 4101–4103.
    JUNCTION_EMULATOR_PORTS: 'free',
  });

  /** Every person in Junction once, and in each CRM exactly once. */
  const converged = async (j: JunctionProcess) => {
    const contacts = (await j.graphql<{ contacts: { totalCount: number } }>('{ contacts(first: 1) { totalCount } }')).data?.contacts.totalCount ?? -1;
    const crms: Record<string, { records: number; people: number }> = {};
    for (const [kind, url] of j.emulatorUrls()) {
      const emails = await emulatorPeople(kind, url);
      crms[kind] = { records: emails.length, people: new Set(emails).size };
    }
    return { contacts, crms };
  };
  const everyoneOnce = (state: Awaited<ReturnType<typeof converged>>) =>
    state.contacts === PEOPLE && Object.keys(state.crms).length === CRMS && Object.values(state.crms).every((c) => c.records === PEOPLE && c.people === PEOPLE);
  const startAndConverge = async () => {
    junction = await startJunctionProcess(env(), ADMIN_KEY);
    expect(junction.output()).not.toMatch(/failed to start/);
    const state = await waitFor(() => converged(junction!), everyoneOnce, CONVERGE_MS, `every one of ${PEOPLE} people in Junction and once in each CRM`).catch(
      (err: Error) => {
        // What Junction logged (warnings and errors) says why it did not get there.
        throw new Error(`${err.message}\n${junction!.output().slice(-6000)}`);
      },
    );
    expect(everyoneOnce(state)).toBe(true);
  };

  beforeAll(async () => {
    if (store.skip) return;
    dataDir = mkdtempSync(join(tmpdir(), 'junction-restart-'));
    ({ env: extraEnv, drop } = await store.open());
  });
  afterAll(async () => {
    await junction?.kill('SIGKILL');
    await drop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(store.skip)('starts, syncs everyone, and on SIGTERM with a dashboard connected exits 0 in under 5 s', { timeout: 180_000 }, async () => {
    await startAndConverge();
    // What an open dashboard holds: a graphql-ws subscription receiving run updates, and keep-alive HTTP connections (fetch's).
    const updates: string[] = [];
    let closed: number | undefined;
    const ws: Client = createClient({
      url: `${junction!.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ADMIN_KEY}` },
      retryAttempts: 0,
      on: { closed: (event) => (closed = (event as { code?: number }).code) },
    });
    ws.subscribe({ query: 'subscription { syncRunUpdated { status } }' }, { next: (r) => updates.push(JSON.stringify(r.data)), error: () => undefined, complete: () => undefined });
    await waitFor(async () => updates.length, (n) => n > 0, 30_000, 'a run update over the subscription');

    const stopped = await junction!.stop('SIGTERM');
    console.log(`${store.name}: idle SIGTERM with a subscriber exited ${stopped.code} in ${Math.round(stopped.ms)} ms`);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(IDLE_STOP_MS);
    expect(junction!.output()).not.toMatch(/shutdown took over/);
    // The subscriber was told the server is going away rather than left with a dead socket.
    await waitFor(async () => closed, (c) => c !== undefined, 5_000, 'the subscription socket to close');
    expect(closed).toBe(1001);
    await ws.dispose();
  });

  it.skipIf(store.skip)('starts again after SIGTERM: the fresh CRMs are filled again, nobody lost or doubled', { timeout: 180_000 }, async () => {
    await startAndConverge();
    expect(await junction!.kill('SIGKILL')).toBeNull();
  });

  it.skipIf(store.skip)('starts again after SIGKILL: the same, and stops cleanly', { timeout: 180_000 }, async () => {
    await startAndConverge();
    const stopped = await junction!.stop('SIGINT');
    console.log(`${store.name}: SIGINT exited ${stopped.code} in ${Math.round(stopped.ms)} ms`);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(IDLE_STOP_MS);
    junction = undefined;
  });
});
