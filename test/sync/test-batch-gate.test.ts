/**
 * The test-batch gate (issue #4 item 6): a new connection's, or a changed mapping's, first
 * full run starts only after a passing test batch (the first 10 records end to end); a
 * failing record in that batch stops the full run with the reasons, and the next attempt
 * tests again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mappingVersion } from '../../src/process/mapping/registry';
import { QuarantineService } from '../../src/process/quality/quarantine.service';
import type { CrmKind } from '../../src/system';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { salesforceCreate } from './support';

let h: SyncHarness;

let badId: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 0, crms: ['SALESFORCE', 'HUBSPOT'] });
  // The oldest HubSpot contact is one Junction cannot accept: it is in any first 10.
  const res = await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: '9001',
      properties: {
        hs_object_id: '9001',
        email: 'not-an-email',
        firstname: 'Broken',
        lastname: 'Record',
        createdate: '2024-01-02T03:04:05.000Z',
        lastmodifieddate: '2024-01-02T03:04:05.000Z',
      },
      createdAt: '2024-01-02T03:04:05.000Z',
      updatedAt: '2024-01-02T03:04:05.000Z',
      archived: false,
    }),
  });
  expect(res.status).toBe(201);
  badId = ((await res.json()) as { id: string }).id;
});

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
  const { run } = await h.runs.trigger(connectionId, mode, false);
  await h.worker.drain();
  return (await h.runs.get(run.id))!;
}

describe('a new connection', () => {
  it('has no passing test batch, so its first full run tests first and records the mapping version', async () => {
    expect(await gateState('SALESFORCE')).toEqual({ tested_mapping_version: null, test_batch_passed_at: null });
    for (let i = 0; i < 12; i++) await salesforceCreate(h, 'Contact', { FirstName: `Gate${i}`, LastName: 'Keeper', Email: `gate${i}@initech.com` });
    const adapter = h.connections.adapterFor((await h.connections.get(idOf('SALESFORCE')))!);
    const listed = vi.spyOn(adapter, 'listChanged');
    const run = await h.sync('SALESFORCE');
    const types = listed.mock.calls.map((c) => c[0]);
    listed.mockRestore();
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    // The full pass replayed the pages the test batch read: each object was read once, not its first one twice.
    expect(types.length).toBeGreaterThan(1);
    expect(new Set(types).size).toBe(types.length);
    // All 12 arrived: the test batch's 10 were linked, and the full pass read everything.
    const [{ n }] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM source_links WHERE connection_id = $1`, [
      h.connectionIds.get('SALESFORCE'),
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

describe('a failing record in the first 10', () => {
  let connectionId: string;

  it('stops the full run as FAILED with the reasons, and leaves the version untested', async () => {
    connectionId = (await h.connections.create({ name: 'HubSpot gate', kind: 'HUBSPOT', baseUrl: h.emulators.get('HUBSPOT')!.url, credentials: SANDBOX })).id;
    const run = await syncConnection(connectionId);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^VALIDATION: test batch failed \(1 quarantined, 0 failed of \d+ read\); the full run did not start: /);
    expect(run.error).toContain(`contacts ${badId} quarantined`);
    expect(run.error).toMatch(/FORMAT email/);
    expect(await gateState(connectionId)).toEqual({ tested_mapping_version: null, test_batch_passed_at: null });
    // The full pass never ran: no cursor was stored.
    expect(await cursors(connectionId)).toEqual([]);
  });

  it('lets the full run go ahead once a person discards the failing record from quarantine', async () => {
    const other = (await h.connections.create({ name: 'HubSpot gate 2', kind: 'HUBSPOT', baseUrl: h.emulators.get('HUBSPOT')!.url, credentials: SANDBOX })).id;
    expect((await syncConnection(other)).status).toBe('FAILED');
    const [entry] = (await h.db.dataSource.query(`SELECT id FROM quarantine WHERE connection_id = $1 AND remote_id = $2 AND status = 'PENDING'`, [
      other,
      badId,
    ])) as Array<{ id: string }>;
    expect((await new QuarantineService(h.db.dataSource).discard(entry!.id, 'test record, not a person')).ok).toBe(true);
    const run = await syncConnection(other);
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect((await gateState(other)).tested_mapping_version).toBe(await currentVersion(other));
  });

  it('tests again on the next attempt, and the full run goes ahead once the record is fixed', async () => {
    expect((await syncConnection(connectionId)).status).toBe('FAILED');
    const conn = (await h.connections.get(connectionId))!;
    const [fixed] = await h.connections
      .adapterFor(conn)
      .upsert('contacts', [{ remoteId: badId, junctionId: '00000000-0000-4000-8000-00000000beef', fields: { email: 'fixed.record@initech.com' } }]);
    expect(fixed?.ok).toBe(true);
    const run = await syncConnection(connectionId);
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect((await gateState(connectionId)).tested_mapping_version).toBe(await currentVersion(connectionId));
    expect((await cursors(connectionId)).map((c) => c.remote_type).sort()).toEqual(['companies', 'contacts']);
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
