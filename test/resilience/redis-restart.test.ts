/**
 * Redis stopped and restarted during a running sync (a private redis-server, so other suites
 * sharing the machine's Redis are not disturbed): the clustered limiter paces calls in
 * process while Redis is away and shares the budget again once it is back; no process
 * restart is needed, and nothing is lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { NO_EVENTS } from '../../src/process/events';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { SyncEngine } from '../../src/process/sync/runs/sync-engine';
import { SyncRunService } from '../../src/process/sync/runs/sync-run.service';
import { SyncWorker } from '../../src/process/sync/runs/sync-worker';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { useDatabase } from '../support/database';
import { freePort } from '../support/junction-process';
import { FAST_RETRY, SANDBOX } from '../support/sync-harness';

const N = 400;

function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
}

describe('Redis stopped and restarted during a sync', () => {
  const db = useDatabase();
  let source: RunningEmulator;
  let target: RunningEmulator;
  let redis: ChildProcess | undefined;
  let port: number;
  let connections: ConnectionService;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    [source] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
    [target] = await startEmulators({ crms: ['SALESFORCE'], seed: 0, defaultPorts: false });
    source.seed(demoPeople(N, 13, 0));
  });
  afterAll(async () => {
    await connections?.close();
    redis?.kill('SIGKILL');
    await source?.close();
    await target?.close();
  });

  it('the run completes once Redis is back, with every record delivered once', { timeout: 120_000 }, async () => {
    connections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()), {
      redisUrl: `redis://127.0.0.1:${port}`,
      adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 },
    });
    const hs = (await connections.create({ name: 'source', kind: 'HUBSPOT', baseUrl: source.url, credentials: SANDBOX })).id;
    const sf = (await connections.create({ name: 'target', kind: 'SALESFORCE', baseUrl: target.url, credentials: SANDBOX })).id;
    const runs = new SyncRunService(db.dataSource, NO_EVENTS);
    const engine = new SyncEngine({ db: db.dataSource, connections, events: NO_EVENTS, workerId: 'redis-test' });
    const worker = new SyncWorker(db.dataSource, engine, runs, {
      workerId: 'redis-test',
      intervalMs: 60_000,
      runRetry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 1000 },
    });
    await fetch(`${source.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 150 }),
    });
    await fetch(`${target.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 150 }),
    });

    const settle = async (connectionId: string) => {
      await runs.trigger(connectionId, 'INCREMENTAL');
      for (let i = 0; i < 600; i++) {
        await worker.drain();
        const active = (await db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connection_id = $1 AND status IN ('QUEUED','RUNNING')`, [
          connectionId,
        ])) as Array<{ n: number }>;
        if (active[0]!.n === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('runs did not settle');
    };
    const pulling = settle(hs);
    await new Promise((r) => setTimeout(r, 300));
    redis!.kill('SIGKILL');
    const during = (await db.dataSource.query(`SELECT status FROM sync_runs WHERE connection_id = $1`, [hs])) as Array<{ status: string }>;
    expect(during.map((r) => r.status)).toEqual(['RUNNING']);
    await new Promise((r) => setTimeout(r, 1500));
    redis = await startRedis(port);
    await pulling;
    await settle(sf);
    console.log(
      JSON.stringify(
        await db.dataSource.query(
          `SELECT connection_id = $1 AS pull, status, attempt, error, records_read, records_written FROM sync_runs ORDER BY created_at`,
          [hs],
        ),
      ),
    );

    const emails: string[] = [];
    for (const object of ['Lead', 'Contact']) {
      const rows = (await (await fetch(`${target.url}/_emulator/records/${object}`)).json()) as Array<{ Email?: string }>;
      emails.push(...rows.map((r) => String(r.Email).toLowerCase()));
    }
    expect(emails.length).toBe(N);
    expect([...emails].sort()).toEqual(
      demoPeople(N, 13, 0)
        .map((p) => p.email.toLowerCase())
        .sort(),
    );
    const statuses = (await db.dataSource.query(`SELECT status, error FROM sync_runs ORDER BY created_at`)) as Array<{ status: string; error: string | null }>;
    console.log(JSON.stringify(statuses));
    expect(statuses.at(-1)!.status).toBe('SUCCEEDED');
    await worker.stop();
  });
});
