/**
 * PostgreSQL restarted during a running sync (a private server: the machine's shared one
 * serves everyone else). One Junction process, never restarted, must report not-ready while
 * the database is gone and ready once it is back, and finish the sync by itself: every
 * source person in the target exactly once, and the run the restart cut short not SUCCEEDED.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { openDatabase, type Database } from '../../src/process/store/database';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { externalCrmsEnv, startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../support/private-services';
import { SANDBOX } from '../support/sync-harness';

const N = 4000;
const ADMIN_KEY = 'jk_test-admin-key-for-postgres-restart-0123';
const MASTER_KEY = generateMasterKey();
const PG_BIN = postgresBinaries();

// Needs PostgreSQL's server binaries (initdb, pg_ctl) to run a private server it may stop.
describe.skipIf(!PG_BIN)('PostgreSQL restarted during a running sync (needs initdb/pg_ctl)', () => {
  let pg: PrivatePostgres;
  let db: Database;
  let source: RunningEmulator;
  let target: RunningEmulator;
  let dataDir: string;
  let junction: JunctionProcess | undefined;
  let sourceId: string;
  const sql = async <T>(text: string, params: unknown[] = []) => (await db.dataSource.query(text, params)) as T[];
  /** While the database restarts, a probe's query may fail: that is "not yet", not an error. */
  const orNull = <T>(probe: () => Promise<T>) => probe().catch(() => null);
  // A reused keep-alive socket the server just closed resets once; a second failure is real.
  const readyz = async () => {
    const probe = async () => (await fetch(`${junction!.url}/readyz`)).status;
    return probe().catch(probe);
  };
  const targetRecords = async () => {
    const all: Array<{ Email?: string; Junction_Id__c?: string }> = [];
    for (const object of ['Lead', 'Contact']) all.push(...((await (await fetch(`${target.url}/_emulator/records/${object}`)).json()) as typeof all));
    return all;
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres(PG_BIN!);
    db = await openDatabase({ url: pg.url, embeddedDir: '', poolSize: 4 });
    [source] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
    [target] = await startEmulators({ crms: ['SALESFORCE'], seed: 0, defaultPorts: false });
    source.seed(demoPeople(N, 17, 0));
    dataDir = mkdtempSync(join(tmpdir(), 'junction-pg-restart-'));
    const connections = new ConnectionService(db.dataSource, new CredentialsCipher(MASTER_KEY));
    sourceId = (await connections.create({ name: 'source', kind: 'HUBSPOT', baseUrl: source.url, credentials: SANDBOX })).id;
    await connections.create({ name: 'target', kind: 'SALESFORCE', baseUrl: target.url, credentials: SANDBOX });
    await connections.close();
  }, 60_000);
  afterAll(async () => {
    await junction?.kill('SIGKILL');
    await source?.close();
    await target?.close();
    await db?.close().catch(() => undefined);
    await pg?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`not ready while the database is down, ready after; the sync of ${N} people finishes exactly, in the same process`, { timeout: 600_000 }, async () => {
    junction = await startJunctionProcess(
      { DATABASE_URL: pg.url, ...externalCrmsEnv(dataDir, { admin: ADMIN_KEY, master: MASTER_KEY }) },
      ADMIN_KEY,
    );
    const pid = junction.child.pid;
    expect(await readyz()).toBe(200);

    // Mid-run: the source's pull has stored some people, far from all of them.
    await waitFor(
      () => sql<{ n: number }>(`SELECT coalesce(max(records_read), 0)::int AS n FROM sync_runs WHERE connection_id = $1 AND status = 'RUNNING'`, [sourceId]),
      (r) => r[0]!.n > 0,
      120_000,
      'the source run to make progress',
    );
    const held = await sql<{ id: string; records_read: number }>(`SELECT id, records_read FROM sync_runs WHERE status = 'RUNNING' AND connection_id = $1`, [sourceId]);
    expect(held).toHaveLength(1);

    await pg.stop();
    await waitFor(readyz, (s) => s === 503, 30_000, '/readyz to answer 503');
    // Down long enough that the run's next page transaction meets the outage.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await readyz()).toBe(503);
    expect((await fetch(`${junction.url}/healthz`)).status).toBe(200);
    await pg.start();
    await waitFor(readyz, (s) => s === 200, 60_000, '/readyz to answer 200 again');

    await waitFor(
      () => orNull(async () => (await targetRecords()).length),
      (n) => n !== null && n >= N,
      480_000,
      `${N} people in the target`,
    );
    await waitFor(
      () => orNull(() => sql<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`)),
      (r) => r !== null && r[0]!.n === 0,
      60_000,
      'an empty outbox',
    );

    // The same process did it all.
    expect(junction.child.pid).toBe(pid);
    expect(junction.child.exitCode).toBeNull();

    const records = await targetRecords();
    expect(records.map((r) => String(r.Email).toLowerCase()).sort()).toEqual(
      demoPeople(N, 17, 0)
        .map((p) => p.email.toLowerCase())
        .sort(),
    );
    // By Junction's own id: every linked source person exactly once.
    const expected = await sql<{ contact_id: string }>(`SELECT DISTINCT record_id AS contact_id FROM source_links WHERE connection_id = $1 AND record_kind = 'CONTACT'`, [sourceId]);
    expect(expected).toHaveLength(N);
    const ids = records.map((r) => r.Junction_Id__c);
    expect(new Set(ids).size).toBe(N);
    expect([...ids].sort()).toEqual(expected.map((r) => r.contact_id).sort());

    // The run the outage cut short did not finish, so it is not SUCCEEDED; a later one finished the pull.
    const [cut] = await sql<{ status: string; error: string | null }>(`SELECT status, error FROM sync_runs WHERE id = $1`, [held[0]!.id]);
    expect(cut!.status).not.toBe('SUCCEEDED');
    expect(cut!.status).not.toBe('RUNNING');
    const later = await sql<{ id: string }>(
      `SELECT id FROM sync_runs WHERE connection_id = $1 AND status = 'SUCCEEDED' AND created_at > (SELECT created_at FROM sync_runs WHERE id = $2)`,
      [sourceId, held[0]!.id],
    );
    expect(later.length).toBeGreaterThan(0);
    expect(await sql(`SELECT id FROM sync_runs WHERE status = 'SUCCEEDED' AND (finished_at IS NULL OR progress < 1)`)).toEqual([]);
    console.log(`held run ended ${cut!.status} (${cut!.error}); ${later.length} later source runs SUCCEEDED`);
  });
});
