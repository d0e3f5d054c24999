/**
 * Issue #13 item 4: a dry run never becomes a real run. `triggerSync(dryRun: true)` while a
 * real run of the connection is queued or running is refused with CONFLICT (it used to return
 * that run, which then wrote); once nothing runs, the dry run writes nothing anywhere and
 * answers with a summary per operation and, when asked, its changes only. Real emulators, a
 * real worker, GraphQL over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmKind } from '../../src/system';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { contactInEvery, crmCopy, editInCrm, emulatorRows, storeContacts, syncUntilQuiet } from './support';

const TRIGGER = `mutation TriggerSync($connectionId: ID!, $mode: SyncMode!, $dryRun: Boolean) { triggerSync(connectionId: $connectionId, mode: $mode, dryRun: $dryRun) { id status mode dryRun } }`;
const RUN = `query($id: ID!) { syncRun(id: $id) { status dryRun plannedSummary { operation count } plannedChanges(changesOnly: true) { remoteId operation fields } } }`;

interface Triggered {
  triggerSync: { id: string; status: string; mode: string; dryRun: boolean } | null;
}

describe('a dry run triggered while a real run is active', () => {
  let h: SyncHarness;
  let api: Harness;
  let operator: string;
  const hubspot = () => h.connectionIds.get('HUBSPOT')!;
  const crmState = async () => {
    const out: Record<string, unknown> = {};
    for (const [kind, objects] of [['SALESFORCE', ['Lead', 'Contact', 'Account']], ['HUBSPOT', ['contacts', 'companies']]] as Array<[CrmKind, string[]]>)
      for (const object of objects) out[`${kind}/${object}`] = await emulatorRows(h, kind, object);
    return out;
  };
  const status = async (id: string) => ((await h.db.dataSource.query(`SELECT status FROM sync_runs WHERE id = $1`, [id])) as Array<{ status: string }>)[0]!.status;

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 4, crms: ['SALESFORCE', 'HUBSPOT'] });
    api = await startHarness(h.db);
    operator = await api.keyFor('OPERATOR');
    await syncUntilQuiet(h);
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('is refused with CONFLICT, never answered with the real run; the real run alone writes', async () => {
    const person = await contactInEvery(h, ['SALESFORCE', 'HUBSPOT']);
    await editInCrm(h, 'HUBSPOT', person, { jobtitle: 'Head of Dry Runs' });
    // Slow HubSpot down so the real run is still RUNNING when the dry run is asked for.
    await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 150 }) });
    const real = await gql<Triggered>(api.url, TRIGGER, { connectionId: hubspot(), mode: 'INCREMENTAL' }, operator);
    const realRun = real.body.data!.triggerSync!;
    expect(realRun).toMatchObject({ status: 'QUEUED', mode: 'INCREMENTAL', dryRun: false });
    const draining = h.worker.drain();
    try {
      for (let i = 0; i < 200 && (await status(realRun.id)) !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await status(realRun.id)).toBe('RUNNING');
      for (const mode of ['BULK', 'INCREMENTAL']) {
        const dry = await gql<Triggered>(api.url, TRIGGER, { connectionId: hubspot(), mode, dryRun: true }, operator);
        expect(codes(dry)).toEqual(['CONFLICT']);
        expect(dry.body.data?.triggerSync ?? null).toBeNull();
        expect(dry.body.errors![0]!.message).toContain(`already has run ${realRun.id} active (INCREMENTAL, RUNNING); the requested run (${mode}, dry run) cannot start beside it`);
      }
      // The same kind of trigger still gets the active run.
      const same = await gql<Triggered>(api.url, TRIGGER, { connectionId: hubspot(), mode: 'INCREMENTAL' }, operator);
      expect(same.body.data!.triggerSync).toMatchObject({ id: realRun.id, dryRun: false });
    } finally {
      await draining;
      await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/faults`, { method: 'DELETE' });
    }
    const runs = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM sync_runs WHERE dry_run`)) as Array<{ n: number }>;
    expect(runs[0]!.n).toBe(0);
    expect(await status(realRun.id)).toBe('SUCCEEDED');
    await h.worker.drain();
    // What the real run pulled reached Salesforce: the real run, and nothing asked as a dry run, wrote it.
    expect((await crmCopy(h, 'SALESFORCE', person)).title).toBe('Head of Dry Runs');
  });

  it('once nothing runs, plans without writing anywhere and sums up its plan per operation', async () => {
    await syncUntilQuiet(h);
    const person = await contactInEvery(h, ['SALESFORCE', 'HUBSPOT']);
    await editInCrm(h, 'HUBSPOT', person, { jobtitle: 'Planned, not written' });
    const [crmsBefore, storeBefore] = [await crmState(), await storeContacts(h)];
    const outboxBefore = await h.db.dataSource.query(`SELECT id, delivered_at FROM outbox ORDER BY id`);

    const dry = await gql<Triggered>(api.url, TRIGGER, { connectionId: hubspot(), mode: 'BULK', dryRun: true }, operator);
    expect(dry.body.errors).toBeUndefined();
    expect(dry.body.data!.triggerSync).toMatchObject({ status: 'QUEUED', mode: 'BULK', dryRun: true });
    await h.worker.drain();

    expect(await crmState()).toEqual(crmsBefore);
    expect(await storeContacts(h)).toEqual(storeBefore);
    expect(await h.db.dataSource.query(`SELECT id, delivered_at FROM outbox ORDER BY id`)).toEqual(outboxBefore);

    const read = await gql<{ syncRun: { status: string; dryRun: boolean; plannedSummary: Array<{ operation: string; count: number }>; plannedChanges: Array<{ operation: string; fields: Record<string, unknown> }> } }>(
      api.url,
      RUN,
      { id: dry.body.data!.triggerSync!.id },
      operator,
    );
    expect(read.body.errors).toBeUndefined();
    const run = read.body.data!.syncRun;
    expect(run).toMatchObject({ status: 'SUCCEEDED', dryRun: true });
    const counts = Object.fromEntries(run.plannedSummary.map((c) => [c.operation, c.count]));
    expect(Object.keys(counts)).toEqual(['APPLY', 'NONE', 'QUARANTINE', 'SOFT_DELETE']);
    // A BULK read meets every HubSpot record; only the edited one would change.
    const hubspotRecords = (await emulatorRows(h, 'HUBSPOT', 'contacts')).length + (await emulatorRows(h, 'HUBSPOT', 'companies')).length;
    expect(counts.APPLY).toBe(1);
    expect(counts.APPLY! + counts.NONE! + counts.QUARANTINE! + counts.SOFT_DELETE!).toBe(hubspotRecords);
    expect(run.plannedChanges).toEqual([expect.objectContaining({ operation: 'APPLY', fields: { title: 'Planned, not written' } })]);
  });
});
