/**
 * Delete propagation across three CRMs (issue #4 item 4): a delete in one CRM soft-deletes the
 * unified record; the others are never hard-deleted — they get Junction's delete flag (or, for
 * HubSpot with ARCHIVE, HubSpot's restorable archive); RestoreContact brings it back everywhere.
 */
import { Client as HubSpotClient } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordCommands } from '../../src/process/records/record-commands';
import { demoPeople, type CrmKind } from '../../src/system';
import { SANDBOX, startSyncHarness, type SyncHarness } from '../support/sync-harness';

type Row = Record<string, unknown> & { properties?: Record<string, string | null>; archived?: boolean };

describe('delete propagation', () => {
  let h: SyncHarness;
  let records: RecordCommands;
  let hubspot: HubSpotClient;

  const rows = async (kind: CrmKind, object: string): Promise<Row[]> => (await (await fetch(`${h.emulators.get(kind)!.url}/_emulator/records/${object}`)).json()) as Row[];
  const inSalesforce = async (id: string) => (await rows('SALESFORCE', 'Contact')).find((r) => r.Junction_Id__c === id);
  const inDynamics = async (id: string) => (await rows('DYNAMICS', 'contacts')).find((r) => r.junction_id === id);
  const liveInHubspot = async (id: string) => (await rows('HUBSPOT', 'contacts')).filter((r) => !r.archived && r.properties?.junction_id === id);
  const deletedAt = async (id: string) => ((await h.db.dataSource.query(`SELECT deleted_at FROM contacts WHERE id = $1`, [id])) as Array<{ deleted_at: Date | null }>)[0]!.deleted_at;
  const link = async (kind: CrmKind, id: string) =>
    ((await h.db.dataSource.query(`SELECT remote_id FROM source_links WHERE connection_id = $1 AND record_id = $2`, [h.connectionIds.get(kind), id])) as Array<{ remote_id: string }>)[0]?.remote_id;
  const setting = (kind: CrmKind, value: string) =>
    h.db.dataSource.query(`UPDATE connections SET settings = settings || jsonb_build_object('deletePropagation', $2::text) WHERE id = $1`, [h.connectionIds.get(kind), value]);
  /** Runs every connection until a round writes nothing: the CRMs have converged. */
  const converge = async () => {
    for (let round = 0; round < 4; round++) if ((await h.syncAll()).every((r) => r.recordsWritten === 0)) return;
    throw new Error('the CRMs did not converge in 4 rounds');
  };

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 0, crms: ['HUBSPOT', 'SALESFORCE', 'DYNAMICS'] });
    h.emulators.get('HUBSPOT')!.seed(demoPeople(6).map((p) => ({ ...p, isLead: false })));
    records = new RecordCommands(h.db.dataSource);
    const url = h.emulators.get('HUBSPOT')!.url;
    const token = await new HubSpotClient({ basePath: url }).oauth.tokensApi.create('refresh_token', undefined, undefined, SANDBOX.clientId, SANDBOX.clientSecret, SANDBOX.refreshToken);
    hubspot = new HubSpotClient({ basePath: url, accessToken: token.accessToken, numberOfApiCallRetries: 0 });
    await converge();
  });
  afterAll(async () => h?.close());

  it('a HubSpot delete flags the contact in Salesforce and Dynamics without deleting it, with no echo; RestoreContact clears it everywhere', async () => {
    const [victim] = (await h.db.dataSource.query(`SELECT record_id, remote_id FROM source_links WHERE connection_id = $1 AND record_kind = 'CONTACT' ORDER BY remote_id LIMIT 1`, [
      h.connectionIds.get('HUBSPOT'),
    ])) as Array<{ record_id: string; remote_id: string }>;
    const id = victim!.record_id;
    expect(await inSalesforce(id)).toMatchObject({ Junction_Deleted__c: false });
    expect(await inDynamics(id)).toMatchObject({ junction_deleted: false });

    await hubspot.crm.contacts.basicApi.archive(victim!.remote_id);
    await h.sync('HUBSPOT');
    expect(await deletedAt(id)).not.toBeNull();
    await converge();
    // Flagged, not deleted: the records are still there, live, with Junction's flag set.
    expect(await inSalesforce(id)).toMatchObject({ IsDeleted: false, Junction_Deleted__c: true });
    expect(await inDynamics(id)).toMatchObject({ junction_deleted: true });
    // Reading the flagged records back is neither news nor a second delete; the store keeps its delete.
    const quiet = await h.syncAll();
    expect(quiet.map((r) => r.recordsWritten)).toEqual([0, 0, 0]);
    expect(await link('SALESFORCE', id)).toBeDefined();
    expect(await deletedAt(id)).not.toBeNull();

    const restored = await records.restoreContact(id);
    expect(restored).toMatchObject({ ok: true, value: { deletedAt: null } });
    await converge();
    expect(await inSalesforce(id)).toMatchObject({ IsDeleted: false, Junction_Deleted__c: false });
    expect(await inDynamics(id)).toMatchObject({ junction_deleted: false });
    // HubSpot has no API to unarchive: the contact is written to HubSpot again and linked anew.
    const back = await liveInHubspot(id);
    expect(back).toHaveLength(1);
    expect(back[0]!.properties).toMatchObject({ junction_deleted: 'false' });
    expect(await link('HUBSPOT', id)).toBe(String(back[0]!.id));
    expect(await deletedAt(id)).toBeNull();
  });

  it('with ARCHIVE HubSpot archives (restorable there) while the others flag; a bad setting stops the run with a clear error and loses nothing', async () => {
    await setting('HUBSPOT', 'ARCHIVE');
    // ARCHIVE on Salesforce means the flag: its only archive is a delete to the recycle bin.
    await setting('SALESFORCE', 'ARCHIVE');
    const [a, b] = ((await h.db.dataSource.query(`SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY email LIMIT 2`)) as Array<{ id: string }>).map((r) => r.id);
    const hubspotId = (await link('HUBSPOT', a!))!;
    expect(await records.deleteContact(a!)).toMatchObject({ ok: true });
    await converge();
    const archived = (await rows('HUBSPOT', 'contacts')).find((r) => String(r.id) === hubspotId);
    expect(archived).toMatchObject({ archived: true });
    expect(await inSalesforce(a!)).toMatchObject({ IsDeleted: false, Junction_Deleted__c: true });
    expect(await inDynamics(a!)).toMatchObject({ junction_deleted: true });
    expect(await deletedAt(a!)).not.toBeNull();

    await setting('DYNAMICS', 'PURGE');
    expect(await records.deleteContact(b!)).toMatchObject({ ok: true });
    const run = await h.sync('DYNAMICS');
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/settings\.deletePropagation must be one of FLAG, ARCHIVE, NONE; got "PURGE"/);
    const pending = (await h.db.dataSource.query(`SELECT count(*)::int n FROM outbox WHERE connection_id = $1 AND record_id = $2 AND delivered_at IS NULL`, [
      h.connectionIds.get('DYNAMICS'),
      b,
    ])) as Array<{ n: number }>;
    expect(pending[0]!.n).toBe(1);
    expect(await inDynamics(b!)).toMatchObject({ junction_deleted: false });
  });

  it('a Salesforce delete (recycle bin) flags HubSpot; a restore writes the contact to Salesforce anew and clears the flag', async () => {
    await setting('HUBSPOT', 'FLAG');
    await setting('DYNAMICS', 'FLAG');
    await converge();
    const [{ id }] = (await h.db.dataSource.query(`SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY email DESC LIMIT 1`)) as [{ id: string }];
    const salesforceId = (await link('SALESFORCE', id))!;
    const sf = h.emulators.get('SALESFORCE')!.url;
    const token = (await (
      await fetch(`${sf}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: SANDBOX.refreshToken, client_id: SANDBOX.clientId, client_secret: SANDBOX.clientSecret }).toString(),
      })
    ).json()) as { access_token: string };
    const deleted = await fetch(`${sf}/services/data/v59.0/sobjects/Contact/${salesforceId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token.access_token}` } });
    expect(deleted.status).toBe(204);

    await converge();
    expect(await deletedAt(id)).not.toBeNull();
    expect((await liveInHubspot(id))[0]!.properties).toMatchObject({ junction_deleted: 'true' });
    expect(await inDynamics(id)).toMatchObject({ junction_deleted: true });
    expect(await link('SALESFORCE', id)).toBeUndefined();

    expect(await records.restoreContact(id)).toMatchObject({ ok: true });
    await converge();
    const live = (await rows('SALESFORCE', 'Contact')).filter((r) => r.Junction_Id__c === id && r.IsDeleted === false);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ Junction_Deleted__c: false });
    expect(await link('SALESFORCE', id)).toBe(live[0]!.Id);
    expect((await liveInHubspot(id))[0]!.properties).toMatchObject({ junction_deleted: 'false' });
    expect(await inDynamics(id)).toMatchObject({ junction_deleted: false });
  });
});
