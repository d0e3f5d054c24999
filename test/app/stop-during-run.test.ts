/**
 * SIGTERM while a BULK initial load runs, as a user stops `npm start`: Junction exits 0 within
 * seconds; the page in flight is applied with its checkpoint or not at all; the run ends
 * INTERRUPTED (not RUNNING, not SUCCEEDED); and the next start resumes it from its checkpoint
 * and completes it, with every source person once in Junction and once in the other CRM.
 *
 * The CRMs here are emulators the test runs, connected through the API, so they keep their
 * data across Junction's restart as real CRMs do (in-process emulators start fresh each time,
 * and a fresh CRM is re-read from the start: see restart.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople, startEmulators, type RunningEmulator } from '../../src/system';
import { emulatorPeople } from '../support/emulator-people';
import { startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';
import { SANDBOX } from '../support/sync-harness';

const ADMIN_KEY = 'jk_test-admin-key-for-stop-during-run-0123456789';
/** Ten HubSpot export pages (100 records each). */
const N = 1_000;
/** Per vendor call, so the load lasts long enough to be stopped in the middle. */
const LATENCY_MS = 300;
const PROMPT_STOP_MS = 5_000;

interface RunView {
  id: string;
  mode: string;
  status: string;
  recordsRead: number;
  error: string | null;
  connection: { id: string };
}

describe('SIGTERM during a BULK initial load', () => {
  let source: RunningEmulator;
  let target: RunningEmulator;
  let dataDir: string;
  let junction: JunctionProcess | undefined;
  const env = (role = 'all') => ({
    JUNCTION_ROLE: role,
    JUNCTION_DATA_DIR: dataDir,
    JUNCTION_EMULATORS: 'none',
    JUNCTION_ADMIN_KEY: ADMIN_KEY,
    // Only the runs the test starts (and the ones they lead to); no schedule in between.
    JUNCTION_SYNC_INTERVAL_MS: '3600000',
  });
  const runs = async (j: JunctionProcess) =>
    (await j.graphql<{ syncRuns: { edges: Array<{ node: RunView }> } }>('{ syncRuns(first: 50) { edges { node { id mode status recordsRead error connection { id } } } } }')).data!.syncRuns.edges.map(
      (e) => e.node,
    );
  const contactCount = async (j: JunctionProcess) => (await j.graphql<{ contacts: { totalCount: number } }>('{ contacts(first: 1) { totalCount } }')).data?.contacts.totalCount ?? -1;

  beforeAll(async () => {
    [source] = await startEmulators({ crms: ['HUBSPOT'], seed: 0, defaultPorts: false });
    [target] = await startEmulators({ crms: ['SALESFORCE'], seed: 0, defaultPorts: false });
    // Every demo person has a phone number of their own (an exact phone match is one person to Junction).
    source.seed(demoPeople(N, 11, 0));
    dataDir = mkdtempSync(join(tmpdir(), 'junction-stop-run-'));
  });
  afterAll(async () => {
    await junction?.kill('SIGKILL');
    await source?.close();
    await target?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 0 promptly, leaves the run INTERRUPTED, and the next start resumes it from its checkpoint to the end', { timeout: 300_000 }, async () => {
    const sourceEmails = await emulatorPeople('HUBSPOT', source.url);
    let sourceRecords = sourceEmails.length;
    sourceRecords += ((await (await fetch(`${source.url}/_emulator/records/companies`)).json()) as unknown[]).length;

    // Connections made and the load queued with no worker up, so no scheduled run of the new connection takes its place.
    junction = await startJunctionProcess(env('api'), ADMIN_KEY);
    const create = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }';
    const created = async (name: string, kind: string, baseUrl: string) =>
      (await junction!.graphql<{ createConnection: { id: string } }>(create, { input: { name, kind, baseUrl, credentials: SANDBOX } })).data!.createConnection.id;
    const sourceId = await created('source', 'HUBSPOT', source.url);
    await created('target', 'SALESFORCE', target.url);
    const trigger = await junction.graphql<{ triggerSync: { id: string; mode: string } }>(`mutation($id: ID!) { triggerSync(connectionId: $id, mode: BULK) { id mode } }`, { id: sourceId });
    const runId = trigger.data!.triggerSync.id;
    expect(trigger.data!.triggerSync.mode).toBe('BULK');
    expect((await junction.stop('SIGTERM')).code).toBe(0);

    await fetch(`${source.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: LATENCY_MS }) });
    junction = await startJunctionProcess(env(), ADMIN_KEY);

    // Stopped with a page or more applied and most of the export still to read.
    const midway = await waitFor(
      async () => (await runs(junction!)).find((r) => r.id === runId),
      (r) => r?.status !== 'QUEUED' && (r?.status !== 'RUNNING' || r.recordsRead >= 100),
      60_000,
      'the bulk run to apply its first pages',
    );
    expect(midway!.status).toBe('RUNNING');
    const stopped = await junction.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(PROMPT_STOP_MS);
    await fetch(`${source.url}/_emulator/faults`, { method: 'DELETE' });

    junction = await startJunctionProcess(env(), ADMIN_KEY);
    // Recorded by the stopping worker itself, not by the stale-heartbeat reaper of the next start.
    const interrupted = (await runs(junction)).find((r) => r.id === runId)!;
    expect(interrupted.status).toBe('INTERRUPTED');
    expect(interrupted.error).toMatch(/Junction stopped during the run/);
    expect(interrupted.recordsRead).toBeGreaterThanOrEqual(100);
    expect(interrupted.recordsRead).toBeLessThan(sourceRecords);

    // The next attempt, queued when the run stopped, completes the load and hands it to the target.
    const targetPeople = await waitFor(() => emulatorPeople('SALESFORCE', target.url), (emails) => emails.length >= N, 120_000, `${N} people in the target`);
    expect(targetPeople).toEqual(sourceEmails);
    expect(await contactCount(junction)).toBe(N);
    const bulk = (await runs(junction)).filter((r) => r.connection.id === sourceId && r.mode === 'BULK').reverse();
    expect(bulk.map((r) => r.status)).toEqual(['INTERRUPTED', 'SUCCEEDED']);
    // Resumed from the checkpoint: the two attempts read the export once between them, no page twice, none skipped.
    expect(bulk[0]!.recordsRead + bulk[1]!.recordsRead).toBe(sourceRecords);
    console.log(`stopped in ${Math.round(stopped.ms)} ms with ${bulk[0]!.recordsRead} of ${sourceRecords} records read; the next attempt read ${bulk[1]!.recordsRead}`);

    const last = await junction.stop('SIGTERM');
    expect(last.code).toBe(0);
    junction = undefined;
  });
});
