/**
 * An API instance and two worker processes on one PostgreSQL and Redis (JUNCTION_ROLE=api,
 * worker, worker) sync three connections: every run is executed by exactly one worker, both
 * workers take runs, no call is sent inside a CRM's back-off window (the limit each connection
 * keeps to is shared through Redis), and every person ends up in every CRM exactly once
 * (issue 20 item 4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { RUN_QUEUE } from '../../src/process/jobs/run-queue';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import type { Database } from '../../src/process/store/database';
import { demoPeople, startEmulators, type CrmKind, type RunningEmulator } from '../../src/system';
import { openTestDatabase, resetDatabase } from '../support/database';
import { emulatorPeople } from '../support/emulator-people';
import { externalCrmsEnv, startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';
import { SANDBOX } from '../support/sync-harness';

const ADMIN_KEY = 'jk_test-admin-key-for-worker-pool-0123456789';
const MASTER_KEY = generateMasterKey();
/** People first held by each of the two seeded CRMs; the third starts empty. */
const PER_CRM = 600;
/** Each emulator refuses the 6th request within a second; each connection is told the same limit, which consecutive runs on either worker share through Redis. */
const LIMIT = { requests: 5, windowMs: 1_000 };
const CRMS: CrmKind[] = ['HUBSPOT', 'SALESFORCE', 'DYNAMICS'];

describe.skipIf(inject('embeddedDatabase') || !inject('redisUrl'))('an API instance and two workers on one PostgreSQL and Redis', () => {
  let db: Database;
  let dataDir: string;
  const emulators = new Map<CrmKind, RunningEmulator>();
  const processes: JunctionProcess[] = [];
  const connectionIds = new Map<CrmKind, string>();
  const sql = async <T>(text: string, params: unknown[] = []) => (await db.dataSource.query(text, params)) as T[];

  beforeAll(async () => {
    db = await openTestDatabase();
    await resetDatabase(db);
    dataDir = mkdtempSync(join(tmpdir(), 'junction-pool-'));
    const started = await startEmulators({ crms: CRMS, seed: 0, defaultPorts: false });
    for (const e of started) emulators.set(e.kind, e);
    emulators.get('HUBSPOT')!.seed(demoPeople(PER_CRM, 11, 0));
    emulators.get('SALESFORCE')!.seed(demoPeople(PER_CRM, 11, PER_CRM));
    const connections = new ConnectionService(db.dataSource, new CredentialsCipher(MASTER_KEY));
    for (const e of started) {
      await fetch(`${e.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rateLimit: LIMIT }) });
      const { id } = await connections.create({ name: `${e.kind} pool`, kind: e.kind, baseUrl: e.url, credentials: SANDBOX });
      await connections.update(id, { settings: { rateLimit: LIMIT } });
      connectionIds.set(e.kind, id);
    }
    await connections.close();
    const env = (role: string) => ({
      ...externalCrmsEnv(join(dataDir, role), { admin: ADMIN_KEY, master: MASTER_KEY }),
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      JUNCTION_ROLE: role === 'api' ? 'api' : 'worker',
    });
    for (const role of ['api', 'worker-1', 'worker-2']) processes.push(await startJunctionProcess(env(role), ADMIN_KEY));
  }, 180_000);

  afterAll(async () => {
    for (const p of processes) await p.kill('SIGTERM');
    for (const e of emulators.values()) await e.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('syncs three connections with no run executed twice, both workers busy, and no call inside a back-off window', { timeout: 300_000 }, async () => {
    const api = processes[0]!;
    // The workers' schedulers queue a run per connection as they start; the API instance asks too, and is answered with the run already queued or running.
    for (const id of connectionIds.values()) {
      const res = await api.graphql<{ triggerSync: { status: string } }>(`mutation T($id: ID!) { triggerSync(connectionId: $id, mode: INCREMENTAL) { status } }`, { id });
      expect(res.errors).toBeUndefined();
    }
    // Converged: every person in every CRM, nothing left to deliver, no run active.
    const everyone = 2 * PER_CRM;
    await waitFor(
      async () => {
        const [row] = await sql<{ links: number; pending: number; active: number }>(
          `SELECT (SELECT count(*) FROM source_links WHERE record_kind = 'CONTACT')::int AS links,
                  (SELECT count(*) FROM outbox WHERE delivered_at IS NULL)::int AS pending,
                  (SELECT count(*) FROM sync_runs WHERE status IN ('QUEUED','RUNNING'))::int AS active`,
        );
        return row!;
      },
      (r) => r.links >= CRMS.length * everyone && r.pending === 0 && r.active === 0,
      240_000,
      'every person linked in every CRM',
    );

    // Each run was claimed by one worker and its job completed once.
    const runs = await sql<{ id: string; worker_id: string | null; status: string }>(`SELECT id, worker_id, status FROM sync_runs WHERE started_at IS NOT NULL`);
    expect(runs.length).toBeGreaterThanOrEqual(CRMS.length);
    expect(runs.every((r) => r.worker_id !== null)).toBe(true);
    expect(new Set(runs.map((r) => r.worker_id)).size).toBe(2);
    const twice = await sql<{ run_id: string; n: number }>(
      `SELECT data->>'runId' AS run_id, count(*)::int AS n FROM (SELECT data FROM pgboss.job WHERE name = $1 AND state = 'completed'
                                                                UNION ALL SELECT data FROM pgboss.archive WHERE name = $1 AND state = 'completed') j
        GROUP BY 1 HAVING count(*) > 1`,
      [RUN_QUEUE],
    );
    expect(twice).toEqual([]);
    expect(runs.filter((r) => r.status !== 'SUCCEEDED')).toEqual([]);

    // The shared limit: no call inside a back-off window the CRM asked for (overLimit). The
    // emulator's window starts at an arrival, so a call that left on its slot but arrived late
    // can still meet a rare 429; it is retried after the Retry-After and the run succeeds.
    for (const e of emulators.values()) {
      const stats = (await (await fetch(`${e.url}/_emulator/stats`)).json()) as { requests: number; rateLimited: number; overLimit: number };
      expect({ kind: e.kind, overLimit: stats.overLimit }).toEqual({ kind: e.kind, overLimit: 0 });
      // Enough calls that the limit was what paced them.
      expect(stats.requests).toBeGreaterThan(LIMIT.requests);
    }
    // Exactly once: every person once in every CRM, by email.
    for (const e of emulators.values()) {
      const emails = await emulatorPeople(e.kind, e.url);
      expect({ kind: e.kind, n: emails.length, distinct: new Set(emails).size }).toEqual({ kind: e.kind, n: everyone, distinct: everyone });
    }
  });
});
