/**
 * The test-batch gate (issue #4 item 6): a new connection's, or a changed mapping's, first
 * full run starts only after a passing test batch (the first 10 records end to end). An
 * invalid record in that batch is quarantined and the run goes on (issue #13 item 3); what
 * stops a run is systemic (sync-blocked.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mappingVersion } from '../../src/process/mapping/registry';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import type { CrmKind } from '../../src/system';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { salesforceCreate } from './support';

let h: SyncHarness;

let badId: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT'] });
  // The oldest HubSpot contact is one Junction cannot accept: it is in any first 10.
  badId = await plantHubspot('9001', { firstname: 'Broken', lastname: 'Record', email: 'not-an-email' }, '2024-01-02T03:04:05.000Z');
  // Four good contacts right after it: with it, any first 10 HubSpot records start with these five.
  for (let i = 0; i < 4; i++) await plantHubspot(String(9100 + i), { firstname: `Good${i}`, lastname: 'Record', email: `good${i}@initech.com` }, `2024-01-03T00:00:0${i}.000Z`);
});

/** A HubSpot contact as the CRM holds it, created and last modified `at`. */
async function plantHubspot(id: string, properties: Record<string, string>, at: string): Promise<string> {
  const res = await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, properties: { hs_object_id: id, ...properties, createdate: at, lastmodifieddate: at }, createdAt: at, updatedAt: at, archived: false }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

afterAll(async () => {
  await h?.close();
});

const idOf = (kind: CrmKind | string) => h.connectionIds.get(kind as CrmKind) ?? kind;
const gateState = async (kind: CrmKind | string) =>
  (
    (await h.db.dataSource.query(`SELECT tested_mapping_version, test_batch_passed_at FROM connections WHERE id = $1`, [idOf(kind)])) as Array<{
      tested_mapping_version: string | null;
      test_batch_passed_at: Date | null;
    }>
  )[0]!;
const currentVersion = async (kind: CrmKind | string) => mappingVersion((await h.connections.get(idOf(kind)))!);
const cursors = async (kind: CrmKind | string) =>
  (await h.db.dataSource.query(`SELECT remote_type FROM sync_cursors WHERE connection_id = $1`, [idOf(kind)])) as Array<{ remote_type: string }>;
/** Runs one connection the way the harness does (trigger, then drain the worker). */
async function syncConnection(connectionId: string, mode: 'INCREMENTAL' | 'TEST_BATCH' = 'INCREMENTAL') {
  const run = runOf(await h.runs.trigger(connectionId, mode, false));
  await h.worker.drain();
  return (await h.runs.get(run.id))!;
}

describe('a new connection', () => {
  it('has no passing test batch, so its first full run tests first and records the mapping version', async () => {
    expect(await gateState('SALESFORCE')).toEqual({ tested_mapping_version: null, test_batch_passed_at: null });
    const created: string[] = [];
    for (let i = 0; i < 12; i++) created.push(await salesforceCreate(h, 'Contact', { FirstName: `Gate${i}`, LastName: 'Keeper', Email: `gate${i}@initech.com` }));
    const adapter = h.connections.adapterFor((await h.connections.get(idOf('SALESFORCE')))!);
    const reads: Array<{ type: string; at: number }> = [];
    const read = adapter.listChanged.bind(adapter);
    const listed = vi.spyOn(adapter, 'listChanged').mockImplementation((type, cursor, options) => {
      reads.push({ type, at: Date.now() });
      return read(type, cursor, options);
    });
    const run = await h.sync('SALESFORCE');
    // This run's reads only: the HubSpot run it left changes for queues another Salesforce run after it.
    const types = reads.filter((r) => r.at <= run.finishedAt!.getTime()).map((r) => r.type);
    listed.mockRestore();
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    // The full pass replayed the pages the test batch read: each object was read once, not its first one twice.
    expect(types.length).toBeGreaterThan(1);
    expect(new Set(types).size).toBe(types.length);
    // All 12 arrived: the test batch's 10 were linked, and the full pass read everything.
    const [{ n }] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1 AND remote_id = ANY($2)`, [
      h.connectionIds.get('SALESFORCE'),
      created,
    ])) as Array<{ n: number }>;
    expect(n).toBe(12);
    const state = await gateState('SALESFORCE');
    expect(state.tested_mapping_version).toBe(await currentVersion('SALESFORCE'));
    expect(state.test_batch_passed_at).not.toBeNull();
  });

  it('does not test again while the mapping is unchanged', async () => {
    const before = await gateState('SALESFORCE');
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    expect(await gateState('SALESFORCE')).toEqual(before);
  });
});

describe('an invalid record in the first 10', () => {
  it('is quarantined with its rule while the full run goes on, and the version counts as tested (issue #13 item 3)', async () => {
    const connectionId = (await h.connections.create({ name: 'HubSpot gate', kind: 'HUBSPOT', baseUrl: h.emulators.get('HUBSPOT')!.url, credentials: SANDBOX })).id;
    const run = await syncConnection(connectionId);
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect(run.recordsQuarantined).toBe(1);
    const [entry] = (await h.db.dataSource.query(`SELECT status, issues FROM quarantine WHERE connection_id = $1 AND remote_id = $2`, [connectionId, badId])) as Array<{
      status: string;
      issues: Array<{ field: string; rule: string }>;
    }>;
    expect(entry).toMatchObject({ status: 'PENDING', issues: [{ field: 'email', rule: 'FORMAT' }] });
    const linked = (await h.db.dataSource.query(`SELECT remote_id FROM source_links WHERE connection_id = $1 ORDER BY remote_id`, [connectionId])) as Array<{ remote_id: string }>;
    // Every other contact HubSpot holds (the four planted, and those Salesforce's sync delivered) arrived.
    const held = (await (await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{ id: string }>;
    expect(linked.map((l) => l.remote_id).sort()).toEqual(held.map((c) => c.id).filter((id) => id !== badId).sort());
    expect(linked.map((l) => l.remote_id)).toEqual(expect.arrayContaining(['9100', '9101', '9102', '9103']));
    expect((await gateState(connectionId)).tested_mapping_version).toBe(await currentVersion(connectionId));
    expect((await cursors(connectionId)).map((c) => c.remote_type).sort()).toEqual(['companies', 'contacts']);
    expect(await h.db.dataSource.query(`SELECT cause FROM sync_blocks WHERE connection_id = $1`, [connectionId])).toEqual([]);
  });
});

describe('a changed mapping', () => {
  it('needs a new test batch before its next full run', async () => {
    const before = await gateState('SALESFORCE');
    expect(
      await h.connections.setCustomFields(h.connectionIds.get('SALESFORCE')!, [{ object: 'Contact', remote: 'Department', key: 'department' }]),
    ).not.toBeNull();
    const changed = await currentVersion('SALESFORCE');
    expect(changed).not.toBe(before.tested_mapping_version);
    const run = await h.sync('SALESFORCE');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    const after = await gateState('SALESFORCE');
    expect(after.tested_mapping_version).toBe(changed);
    expect(after.test_batch_passed_at!.getTime()).toBeGreaterThan(before.test_batch_passed_at!.getTime());
  });

  it('counts an explicit passing TEST_BATCH run, so the next full run goes straight ahead', async () => {
    expect(await h.connections.setCustomFields(h.connectionIds.get('SALESFORCE')!, [])).not.toBeNull();
    const version = await currentVersion('SALESFORCE');
    const test = await h.sync('SALESFORCE', 'TEST_BATCH');
    expect(test.status).toBe('SUCCEEDED');
    const tested = await gateState('SALESFORCE');
    expect(tested.tested_mapping_version).toBe(version);
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    expect(await gateState('SALESFORCE')).toEqual(tested);
  });

  it('refuses an invalid mapping with a typed error, keeping the tested one', async () => {
    await expect(h.connections.setCustomFields(h.connectionIds.get('SALESFORCE')!, [{ object: 'Contact', remote: 'Bad Name' }])).rejects.toThrow(
      /remote must be a vendor API field name/,
    );
    expect((await gateState('SALESFORCE')).tested_mapping_version).toBe(await currentVersion('SALESFORCE'));
  });
});
