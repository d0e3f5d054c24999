/**
 * 10. A worker pool: Junction worker processes (JUNCTION_ROLE=worker) on one PostgreSQL and
 * Redis bring C independent connections — each its own CRM, with its own people and limit —
 * to convergence (every person in every CRM). Figure: records moved per second with two
 * workers; baseline: the same work with one worker, in the same run. Every vendor call waits
 * LATENCY_MS, as a real CRM's round trip does, so a worker spends its run partly waiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { createBenchDatabase, REDIS_URL } from '../support/db';
import { fmt, sleep, type ResultRow } from '../support/measure';
import { SANDBOX } from '../support/rig';

const CONNECTIONS = 4;
const LATENCY_MS = 40;
const ADMIN_KEY = 'jk_bench-admin-key-for-the-worker-pool-0123456789';

interface Converged {
  seconds: number;
  moved: number;
  runs: number;
  workers: number;
}

/** A worker process over the bench database; resolves when it says it is ready. */
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './scripts/register.cjs', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const take = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Junction is ready')) resolve(child);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${out.slice(-500)}`)));
  });
}

async function converge(workers: number, perConnection: number): Promise<Converged> {
  const bench = await createBenchDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'junction-pool-bench-'));
  const masterKey = generateMasterKey();
  const emulators: RunningEmulator[] = [];
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < CONNECTIONS; i++) {
      const [e] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
      e!.seed(demoPeople(perConnection, 11, i * perConnection));
      await fetch(`${e!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: LATENCY_MS }) });
      emulators.push(e!);
    }
    for (let w = 1; w <= workers; w++)
      children.push(
        await startWorker({
          DATABASE_URL: bench.url,
          REDIS_URL,
          JUNCTION_ROLE: 'worker',
          JUNCTION_EMULATORS: 'none',
          JUNCTION_DATA_DIR: join(dataDir, String(w)),
          JUNCTION_ADMIN_KEY: ADMIN_KEY,
          JUNCTION_MASTER_KEY: masterKey,
          JUNCTION_SYNC_INTERVAL_MS: '500',
        }),
      );
    // The clock starts when the connections exist: every worker is up and idle by then.
    const started = performance.now();
    const connections = new ConnectionService(bench.db.dataSource, new CredentialsCipher(masterKey));
    for (const [i, e] of emulators.entries()) await connections.create({ name: `pool ${i}`, kind: 'HUBSPOT', baseUrl: e.url, credentials: SANDBOX });
    await connections.close();
    const people = CONNECTIONS * perConnection;
    for (;;) {
      const [row] = (await bench.db.dataSource.query(
        `SELECT (SELECT count(*) FROM source_links WHERE record_kind = 'CONTACT')::int AS links,
                (SELECT count(*) FROM outbox WHERE delivered_at IS NULL)::int AS pending`,
      )) as Array<{ links: number; pending: number }>;
      // Every person linked in every CRM and nothing left to deliver (the schedule keeps queuing runs that find nothing).
      if (row!.links >= CONNECTIONS * people && row!.pending === 0) break;
      if (performance.now() - started > 900_000) throw new Error(`no convergence in 15 minutes: ${JSON.stringify(row)}`);
      await sleep(100);
    }
    const seconds = (performance.now() - started) / 1000;
    const [runs] = (await bench.db.dataSource.query(`SELECT count(*)::int AS n, count(DISTINCT worker_id)::int AS workers FROM sync_runs WHERE started_at IS NOT NULL`)) as Array<{
      n: number;
      workers: number;
    }>;
    // Each person read once from its own CRM and written to every other one.
    return { seconds, moved: people * CONNECTIONS, runs: runs!.n, workers: runs!.workers };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    for (const e of emulators) await e.close();
    await bench.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runWorkerPool(perConnection: number): Promise<ResultRow[]> {
  const one = await converge(1, perConnection);
  const two = await converge(2, perConnection);
  const rate = (c: Converged) => c.moved / c.seconds;
  const ratio = rate(two) / rate(one);
  return [
    {
      scenario: `10 worker pool: ${CONNECTIONS} connections × ${fmt(perConnection)} people to convergence, 2 workers`,
      figure: `${fmt(rate(two))} records/s (${fmt(two.seconds, 1)} s, ${two.runs} runs on ${two.workers} workers)`,
      baseline: `1 worker: ${fmt(rate(one))} records/s (${fmt(one.seconds, 1)} s, ${one.runs} runs)`,
      ratio,
      target: '≥ 1.6',
      met: ratio >= 1.6,
    },
  ];
}
