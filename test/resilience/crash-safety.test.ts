/**
 * Crash safety: a Junction worker process is SIGKILLed at a random moment of a BULK sync
 * (anywhere from the first pages read to the last records delivered), then started again.
 * Every trial must end with the target CRM holding exactly the source's people by Junction
 * id — none missing, none duplicated — the runs the killed worker held recorded INTERRUPTED,
 * and no run SUCCEEDED that did not read (or deliver) everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { NO_EVENTS } from '../../src/process/events';
import { RunQueue } from '../../src/process/jobs/run-queue';
import type { Database } from '../../src/process/store/database';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { openTestDatabase, resetDatabase } from '../support/database';
import { startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';
import { SANDBOX } from '../support/sync-harness';

// The acceptance sizes (issue #5): 10 trials of a 20,000-record bulk sync. Smaller runs for
// development: JUNCTION_CRASH_RECORDS / JUNCTION_CRASH_TRIALS. Measured on the shared 2-core
// machine: 885 s and 737 s for all 10 (47–168 s a trial), mostly the bulk read (~420 records/s), which a
// killed bulk run's next attempt then repeated from the start, and delivery paced to the vendor's rate.
// Since bulk reads resume from their page checkpoint, 3 trials took 35–37 s each (two killed mid-read,
// their chains reading 9,710+10,300 and 10,710+9,300 of 20,010), against 56–95 s before on the same day.
const N = Number(process.env.JUNCTION_CRASH_RECORDS ?? 20_000);
const TRIALS = Number(process.env.JUNCTION_CRASH_TRIALS ?? 10);
/** Per trial: the sync before the kill plus the rest after the restart. */
const TRIAL_TIMEOUT_MS = 300_000;
const ADMIN_KEY = 'jk_test-admin-key-for-crash-safety-0123456789';
const MASTER_KEY = generateMasterKey();

// Worker processes share the test database, which needs a PostgreSQL server: the embedded one
// serves a single session, and a SIGKILLed client takes it down. CI runs this on PostgreSQL.
describe.skipIf(inject('embeddedDatabase'))('SIGKILL during an initial load', () => {
  let db: Database;
  let source: RunningEmulator;
  let target: RunningEmulator;
  let dataDir: string;
  let junction: JunctionProcess | undefined;
  const sql = async <T>(text: string, params: unknown[] = []) => (await db.dataSource.query(text, params)) as T[];
  const env = () => ({
    DATABASE_URL: inject('databaseUrl'),
    ...(inject('redisUrl') ? { REDIS_URL: inject('redisUrl') } : {}),
    JUNCTION_DATA_DIR: dataDir,
    JUNCTION_EMULATORS: 'none',
    JUNCTION_ADMIN_KEY: ADMIN_KEY,
    JUNCTION_MASTER_KEY: MASTER_KEY,
    JUNCTION_SYNC_INTERVAL_MS: '500',
    JUNCTION_ROLE: 'worker',
  });
  const targetRecords = async () => {
    const all: Array<{ Email?: string; Junction_Id__c?: string }> = [];
    for (const object of ['Lead', 'Contact']) all.push(...((await (await fetch(`${target.url}/_emulator/records/${object}`)).json()) as typeof all));
    return all;
  };
  /** How far the sync has got, out of 2N: people read from the source plus people delivered to the target. */
  const progress = async (sourceId: string, targetId: string) => {
    const [row] = await sql<{ read: number; delivered: number; pending: number }>(
      `SELECT (SELECT count(*) FROM source_links WHERE connection_id = $1 AND record_kind = 'CONTACT')::int AS read,
              (SELECT count(*) FROM source_links WHERE connection_id = $2 AND record_kind = 'CONTACT')::int AS delivered,
              (SELECT count(*) FROM outbox WHERE delivered_at IS NULL)::int AS pending`,
      [sourceId, targetId],
    );
    return row!;
  };
  const done = (p: { read: number; delivered: number; pending: number }) => p.read >= N && p.delivered >= N && p.pending === 0;

  beforeAll(async () => {
    db = await openTestDatabase();
    [source] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
    [target] = await startEmulators({ crms: ['SALESFORCE'], seed: 0, defaultPorts: false });
    dataDir = mkdtempSync(join(tmpdir(), 'junction-crash-'));
  });
  afterAll(async () => {
    await junction?.kill('SIGKILL');
    if (db) await RunQueue.for(db.dataSource).stop();
    await source?.close();
    await target?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${TRIALS} trials: each ends with exactly the ${N} source people in the target, and no unfinished run SUCCEEDED`, { timeout: TRIALS * TRIAL_TIMEOUT_MS }, async () => {
    // Every demo person has a phone number of their own (an exact phone match is one person to Junction).
    const people = demoPeople(N, 11, 0);
    const sourceEmails = people.map((p) => p.email.toLowerCase()).sort();
    const started = Date.now();
    let killedMidRun = 0;
    const killedAt: string[] = [];
    /** Records read by each BULK run of a trial's chain, up to the one that succeeded. */
    const bulkReads: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const trialStarted = Date.now();
      await resetDatabase(db);
      for (const e of [source, target]) await fetch(`${e.url}/_emulator/reset`, { method: 'POST' });
      source.seed(people);
      // A bulk read that finished read every record the source holds: its people and their companies.
      let sourceRecords = 0;
      for (const object of ['contacts', 'companies']) sourceRecords += ((await (await fetch(`${source.url}/_emulator/records/${object}`)).json()) as unknown[]).length;
      const connections = new ConnectionService(db.dataSource, new CredentialsCipher(MASTER_KEY));
      const sourceId = (await connections.create({ name: 'source', kind: 'HUBSPOT', baseUrl: source.url, credentials: SANDBOX })).id;
      const targetId = (await connections.create({ name: 'target', kind: 'SALESFORCE', baseUrl: target.url, credentials: SANDBOX })).id;
      await connections.close();
      // The initial load is a BULK run, queued before any worker is up (so no scheduled run takes its place).
      await new SyncRunService(db.dataSource, NO_EVENTS).trigger(sourceId, 'BULK');

      junction = await startJunctionProcess(env(), ADMIN_KEY);
      // A random moment of the whole sync: somewhere between the first people read and the last delivered.
      const at = 0.02 + Math.random() * 0.96;
      const reached = await waitFor(
        () => progress(sourceId, targetId),
        (p) => p.read + p.delivered >= at * 2 * N || done(p),
        TRIAL_TIMEOUT_MS,
        `${Math.round(at * 100)} % of the sync`,
      );
      // Progress shows in steps (a page read, a delivery batch recorded): a random extra moment lands the kill between them.
      if (!done(reached)) await new Promise((r) => setTimeout(r, Math.random() * 3000));
      expect(await junction.kill('SIGKILL')).toBeNull();
      const held = await sql<{ id: string; connection_id: string }>(`SELECT id, connection_id FROM sync_runs WHERE status = 'RUNNING'`);
      if (held.length) killedMidRun++;
      killedAt.push(`${reached.read}r/${reached.delivered}d${held.length ? '' : ' (idle)'}`);
      // Skip the stale-heartbeat wait (20 s): age the dead worker's heartbeats as time would.
      await sql(`UPDATE sync_runs SET heartbeat_at = now() - interval '1 hour' WHERE status = 'RUNNING'`);

      junction = await startJunctionProcess(env(), ADMIN_KEY);
      await waitFor(() => progress(sourceId, targetId), done, TRIAL_TIMEOUT_MS, `all ${N} people read and delivered`);
      await junction.kill('SIGTERM');
      junction = undefined;
      // No run left open: a stop ends what it was running (INTERRUPTED), and nothing is left RUNNING.
      expect(await sql(`SELECT id FROM sync_runs WHERE status = 'RUNNING'`)).toEqual([]);

      // The target holds exactly the source's people: by Junction id (each linked source person once) and by email.
      const records = await targetRecords();
      const expectedIds = (await sql<{ id: string }>(`SELECT DISTINCT record_id AS id FROM source_links WHERE connection_id = $1 AND record_kind = 'CONTACT'`, [sourceId])).map(
        (r) => r.id,
      );
      expect(expectedIds).toHaveLength(N);
      const ids = records.map((r) => String(r.Junction_Id__c));
      expect(ids.length).toBe(N);
      expect(new Set(ids).size).toBe(N);
      expect([...ids].sort()).toEqual([...expectedIds].sort());
      expect(records.map((r) => String(r.Email).toLowerCase()).sort()).toEqual(sourceEmails);

      for (const { id } of held) {
        const [run] = await sql<{ status: string }>(`SELECT status FROM sync_runs WHERE id = $1`, [id]);
        expect(run!.status).toBe('INTERRUPTED');
      }
      // No run is SUCCEEDED without having finished: it has an end and full progress. A killed
      // BULK run leaves its checkpoint (each page's count commits with it) and the next attempt
      // reads on from there, so the BULK runs up to the one that succeeded read every source
      // record between them, the succeeding one no more than the source holds, and once it
      // succeeded no checkpoint is left to resume from.
      expect(await sql(`SELECT id FROM sync_runs WHERE status = 'SUCCEEDED' AND (finished_at IS NULL OR progress < 1)`)).toEqual([]);
      const bulks = await sql<{ status: string; records_read: number }>(
        `SELECT status, records_read FROM sync_runs WHERE connection_id = $1 AND mode = 'BULK' ORDER BY created_at`,
        [sourceId],
      );
      expect(bulks[0]!.status).not.toBe('QUEUED');
      const firstSuccess = bulks.findIndex((b) => b.status === 'SUCCEEDED');
      if (firstSuccess >= 0) {
        const chain = bulks.slice(0, firstSuccess + 1).map((b) => b.records_read);
        expect(chain.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(sourceRecords);
        expect(chain.at(-1)).toBeLessThanOrEqual(sourceRecords);
        expect(await sql(`SELECT remote_type FROM sync_cursors WHERE connection_id = $1 AND remote_type LIKE 'bulk:%'`, [sourceId])).toEqual([]);
        bulkReads.push(chain.join('+'));
      }
      console.log(`trial ${trial}: killed at ${killedAt.at(-1)}, ${held.length} runs held, bulk reads ${bulkReads.at(-1) ?? '-'}, ${Date.now() - trialStarted} ms`);
    }
    console.log(`${TRIALS} SIGKILL trials (${killedMidRun} killed holding a run) of ${N} records in ${Date.now() - started} ms; kill points ${killedAt.join(', ')}`);
    expect(killedMidRun).toBeGreaterThanOrEqual(1);
  });
});
