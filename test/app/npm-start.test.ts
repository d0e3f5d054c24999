/**
 * `npm start` as a user runs it: a real process on the embedded database, against the CRM
 * emulators running on their own (`npm run emulators` + JUNCTION_EMULATORS=external), killed
 * with SIGKILL and started again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulator } from '../../src/system';
import { startJunctionProcess, waitFor, type JunctionProcess } from '../support/junction-process';
import { SANDBOX } from '../support/sync-harness';

const ADMIN_KEY = 'jk_test-admin-key-for-npm-start-0123456789';
const SEED = 30;
const SHARED = Math.floor(SEED * 0.25);
/** People in every CRM once, plus each CRM's own (see seedPlan). */
const distinct = (crms: number) => SHARED + crms * (SEED - SHARED);

describe('npm start', () => {
  let emulators: RunningEmulator[];
  let dataDir: string;
  let junction: JunctionProcess | undefined;
  const env = () => ({ JUNCTION_DATA_DIR: dataDir, JUNCTION_EMULATORS: 'external', JUNCTION_ADMIN_KEY: ADMIN_KEY, JUNCTION_SYNC_INTERVAL_MS: '1000' });
  const contactCount = async (j: JunctionProcess) => ((await j.graphql<{ contacts: { totalCount: number } }>('{ contacts(first: 1) { totalCount } }')).data?.contacts.totalCount ?? -1);

  beforeAll(async () => {
    // Every registered CRM, on its default port: what `npm run emulators` runs.
    emulators = await startEmulators({ seed: SEED, defaultPorts: true });
    dataDir = mkdtempSync(join(tmpdir(), 'junction-start-'));
  });
  afterAll(async () => {
    await junction?.kill('SIGKILL');
    await Promise.all((emulators ?? []).map((e) => e.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is ready, and within a few sync intervals shows every person of every CRM once', { timeout: 150_000 }, async () => {
    // The emulators are fresh orgs: Junction's fields come from Junction connecting to them.
    const sfSdk = () => new jsforce.Connection({ oauth2: { ...SANDBOX, loginUrl: emulators[0]!.url }, instanceUrl: emulators[0]!.url, refreshToken: SANDBOX.refreshToken, version: '59.0' });
    expect((await sfSdk().sobject('Contact').describe()).fields.map((f) => f.name)).not.toContain('Junction_Id__c');
    // Start-up time is measured by `npm run bench`; here readiness only has to come (within 60 s).
    junction = await startJunctionProcess(env(), ADMIN_KEY);
    expect(junction.output()).toMatch(/GraphQL\s+http:\/\/localhost:\d+\/graphql/);
    const health = await fetch(`${junction.url}/readyz`);
    expect(health.status).toBe(200);
    const expected = distinct(emulators.length);
    expect(await waitFor(() => contactCount(junction!), (n) => n === expected, 60_000, `${expected} contacts`)).toBe(expected);
    const twoSources = await junction.graphql<{ contacts: { edges: Array<{ node: { sources: unknown[] } }> } }>('{ contacts(first: 100) { edges { node { sources { remoteId } } } } }');
    expect(twoSources.data!.contacts.edges.filter((e) => e.node.sources.length >= 2).length).toBeGreaterThanOrEqual(SHARED);
    // Connected through the path a real org takes: provisioned, so every setup check passes.
    const connections = (await junction.graphql<{ connections: Array<{ id: string }> }>('{ connections { id } }')).data!.connections;
    expect(connections).toHaveLength(emulators.length);
    for (const { id } of connections) {
      const setup = await junction.graphql<{ connectionSetup: { ready: boolean } }>('query S($id: ID!) { connectionSetup(id: $id) { ready } }', { id });
      expect(setup.data!.connectionSetup.ready).toBe(true);
    }
    expect((await sfSdk().sobject('Contact').describe()).fields.find((f) => f.name === 'Junction_Id__c')).toMatchObject({ externalId: true, unique: true });
  });

  it('killed and restarted, keeps every contact and resumes from its cursors', { timeout: 150_000 }, async () => {
    // Killed once quiet (a Salesforce run that neither read nor wrote): Junction's own writes to
    // Salesforce are read back (and recognised) by the next Salesforce run, which is not what
    // "resumed from its cursor" is about.
    const latestSalesforceRun = async () => {
      const r = await junction!.graphql<{ connections: Array<{ id: string; kind: string }>; syncRuns: { edges: Array<{ node: { recordsRead: number; recordsWritten: number; status: string; connection: { id: string } } }> } }>(
        '{ connections { id kind } syncRuns(first: 20) { edges { node { recordsRead recordsWritten status connection { id } } } } }',
      );
      const sf = r.data!.connections.find((c) => c.kind === 'SALESFORCE')!.id;
      return r.data!.syncRuns.edges.map((e) => e.node).find((n) => n.connection.id === sf && n.status !== 'QUEUED' && n.status !== 'RUNNING');
    };
    await waitFor(latestSalesforceRun, (run) => run?.status === 'SUCCEEDED' && run.recordsRead === 0 && run.recordsWritten === 0, 60_000, 'a quiet Salesforce run');
    expect(await junction!.kill('SIGKILL')).toBeNull();
    const sf = new jsforce.Connection({ oauth2: { ...SANDBOX, loginUrl: emulators[0]!.url }, instanceUrl: emulators[0]!.url, refreshToken: SANDBOX.refreshToken, version: '59.0' });
    await sf.sobject('Lead').create({ FirstName: 'Katherine', LastName: 'Johnson', Email: 'katherine.johnson@nasa.example.com', Company: 'NASA' });

    junction = await startJunctionProcess(env(), ADMIN_KEY);
    const before = distinct(emulators.length);
    expect(await contactCount(junction)).toBeGreaterThanOrEqual(before);
    expect(await waitFor(() => contactCount(junction!), (n) => n === before + 1, 60_000, 'the new lead')).toBe(before + 1);
    // Resumed from the cursor: Salesforce's next run read only what changed while Junction was down.
    const runs = await junction.graphql<{ connections: Array<{ id: string; kind: string }>; syncRuns: { edges: Array<{ node: { recordsRead: number; status: string; connection: { id: string } } }> } }>(
      '{ connections { id kind } syncRuns(first: 50) { edges { node { recordsRead status connection { id } } } } }',
    );
    const sfId = runs.data!.connections.find((c) => c.kind === 'SALESFORCE')!.id;
    const sfReads = runs.data!.syncRuns.edges.map((e) => e.node).filter((r) => r.connection.id === sfId && r.recordsRead > 0);
    expect(sfReads.at(-1)!.recordsRead).toBeGreaterThanOrEqual(SEED); // the very first run read everything
    expect(sfReads[0]!.recordsRead).toBeLessThanOrEqual(2); // the latest read only the new lead (and at most the boundary record)
  });

  it('stops with one clear message on bad configuration', async () => {
    const failure = startJunctionProcess({ JUNCTION_DATA_DIR: dataDir, PORT: 'eighty', JUNCTION_ROLE: 'boss', DATABASE_URL: 'mysql://nope' }, ADMIN_KEY, 20_000);
    const message = await failure.then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(message).toMatch(/^Junction exited with 2: Junction cannot start: bad configuration — /);
    for (const problem of ['PORT must be a whole number', 'JUNCTION_ROLE must be one of api, worker, all', 'DATABASE_URL must be a postgres:// URL']) expect(message).toContain(problem);
    expect(message.trim().split('\n')).toHaveLength(1);
  });
});
