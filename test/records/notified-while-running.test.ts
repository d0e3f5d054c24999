/**
 * A change notification that arrives while a run of its connection is RUNNING may come after
 * that run read the CRM. The run is marked, and when it ends an incremental run follows, so
 * the change reaches the other CRMs now, not at the next scheduled tick (the race behind the
 * sync-window test's rare failure: echo notifications of Junction's own writes kept a run busy).
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRun } from '../../src/process/store/runs/sync-run.repository';
import { accessToken } from '../support/crms/dynamics';
import type { Harness } from '../support/harness';
import { waitFor } from '../support/junction-process';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { personLinkedToHubspot, serveWebhooks } from '../support/webhook-api';

let h: SyncHarness;
let api: Harness;
let dynamicsId: string;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 6, crms: ['DYNAMICS', 'HUBSPOT'] });
  dynamicsId = h.connectionIds.get('DYNAMICS')!;
  for (const run of await h.syncAll()) expect(run.status).toBe('SUCCEEDED');
  api = await serveWebhooks(h, 'DYNAMICS');
}, 120_000);

afterAll(async () => {
  await api?.close();
  await h?.close();
});

const runOf = async (id: string) => (await h.sql<{ status: string; notified_at: Date | null }>(`SELECT status, notified_at FROM sync_runs WHERE id = $1`, [id]))[0]!;
const activeOf = (connectionId: string) => h.count(`SELECT count(*) AS n FROM sync_runs WHERE connection_id = $1 AND status IN ('QUEUED','RUNNING')`, [connectionId]);

describe('a change notification during a run', () => {
  it('marks the running run, and an incremental run follows when it ends and carries the change across', { timeout: 60_000 }, async () => {
    // Another instance is running an incremental run of Dynamics, past its read.
    const triggered = await h.runs.trigger(dynamicsId, 'INCREMENTAL');
    const running = triggered.kind === 'QUEUED' ? triggered.run : undefined;
    expect(running).toBeDefined();
    expect(await claimRun(h.db.dataSource, running!.id, 'another-instance')).toBeTruthy();

    const person = await personLinkedToHubspot(h, 'DYNAMICS');
    const emu = h.emulators.get('DYNAMICS')!;
    const dwa = new DynamicsWebApi({ serverUrl: emu.url, dataApi: { version: '9.2' }, onTokenRefresh: () => accessToken(emu) });
    await dwa.update({ collection: 'contacts', key: person.remote_id, data: { jobtitle: 'Late Notice' } });

    // The notification finds the run running: it is marked, and no second run can be queued beside it.
    const marked = await waitFor(() => runOf(running!.id), (r) => r.notified_at !== null, 10_000, 'the mark on the running run');
    expect(marked.status).toBe('RUNNING');
    expect(await activeOf(dynamicsId)).toBe(1);
    // Nothing follows a run still running.
    expect(await h.runs.followUpNotified(running!.id)).toBeUndefined();

    // The other instance ends its run (it read before the change).
    await h.sql(`UPDATE sync_runs SET status = 'SUCCEEDED', finished_at = now() WHERE id = $1`, [running!.id]);
    const follow = await h.runs.followUpNotified(running!.id);
    expect(follow).toMatchObject({ kind: 'QUEUED', run: { connectionId: dynamicsId, mode: 'INCREMENTAL' } });
    await h.worker.drain();
    const hubspot = (await (await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{ id: string; properties: Record<string, string | null> }>;
    expect(hubspot.find((r) => r.id === person.hubspot_id)?.properties.jobtitle).toBe('Late Notice');
  });

  it('asks for nothing after a run no notification reached', async () => {
    const [last] = await h.sql<{ id: string }>(`SELECT id FROM sync_runs WHERE connection_id = $1 AND notified_at IS NULL AND status = 'SUCCEEDED' LIMIT 1`, [dynamicsId]);
    expect(await h.runs.followUpNotified(last!.id)).toBeUndefined();
  });
});
